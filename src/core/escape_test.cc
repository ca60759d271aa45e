#include "core/escape.h"

#include <gtest/gtest.h>

namespace perfgate {
namespace {

TEST(Escape, MarkdownCannotCarryLinksImagesHtmlOrCells) {
  const std::string md = markdown_escape("![x](http://evil/p.png) [click](http://evil) <img> a|b");
  EXPECT_EQ(md, "!\\[x\\](http://evil/p.png) \\[click\\](http://evil) &lt;img&gt; a\\|b");
  EXPECT_EQ(md.find("[x]("), std::string::npos);  // every ] is escaped: no link syntax left
  EXPECT_EQ(markdown_escape("`code` *em* _u_ ~s~ # h\nnext"),
            "\\`code\\` \\*em\\* \\_u\\_ \\~s\\~ \\# h next");
  EXPECT_EQ(markdown_escape("p(95) 1.5 ms"), "p(95) 1.5 ms");  // plain text stays readable
}

TEST(Escape, TerminalSafeShowsControlSequences) {
  EXPECT_EQ(terminal_safe("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
  EXPECT_EQ(terminal_safe("a\rb\nc\x07"), "a\\x0db\\x0ac\\x07");
  EXPECT_EQ(terminal_safe("csi \xc2\x9b"
                          "2J"),
            "csi \\x9b2J");  // UTF-8 encoded C1 CSI
  EXPECT_EQ(terminal_safe("GET /caf\xc3\xa9\tok"), "GET /caf\xc3\xa9\tok");
}

}  // namespace
}  // namespace perfgate
