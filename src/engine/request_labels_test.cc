// Unit tests: the method and url labels of each request name — a literal URL as sent, a URL with
// templates as its template (bounded cardinality), secrets hidden.
#include "engine/request_labels.h"

#include <gtest/gtest.h>

#include "plan/loader.h"

namespace perfgate::engine {
namespace {

TEST(RequestLabels, LiteralUrlTemplateOrOwnTagWithSecretsHidden) {
  plan::LoadOptions options;
  options.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  const plan::LoadResult loaded = plan::load_plan_text(
      "options:\n"
      "  baseUrl: http://127.0.0.1:1\n"
      "  vus: 1\n"
      "  duration: 1s\n"
      "flows:\n"
      "  default:\n"
      "    - {name: home, url: /}\n"
      "    - {name: item, url: \"/items/{{__VU}}?api_key=s3cr3t\"}\n"
      "    - {name: search, method: POST, url: \"/search?q={{__ITER}}\"}\n"
      "    - {name: login, method: POST, url: \"/login?token=hunter2\"}\n"
      "    - {name: home, method: POST, url: /other}\n",
      options);
  ASSERT_TRUE(loaded.ok()) << loaded.diagnostics.sorted().front().format();
  auto index = build_plan_index(loaded.plan, /*resolve_hosts=*/false);
  ASSERT_TRUE(index) << index.error().describe();
  const std::vector<RequestLabel> labels = request_labels(*index, loaded.plan);
  ASSERT_EQ(labels.size(), index->names.size());
  auto label_of = [&](const std::string& name) {
    for (size_t i = 0; i < index->names.size(); ++i) {
      if (index->names[i] == name) return labels[i];
    }
    ADD_FAILURE() << "no name " << name;
    return RequestLabel{};
  };
  // A name's first step gives its labels (one url per name, never one per request).
  EXPECT_EQ(label_of("home").method, "GET");
  EXPECT_EQ(label_of("home").url, "http://127.0.0.1:1/");
  EXPECT_EQ(label_of("item").url, "http://127.0.0.1:1/items/{{__VU}}?api_key=[REDACTED]");
  EXPECT_EQ(label_of("search").method, "POST");
  EXPECT_EQ(label_of("search").url, "http://127.0.0.1:1/search?q={{__ITER}}");
  EXPECT_EQ(label_of("login").url, "http://127.0.0.1:1/login?token=[REDACTED]");
}

}  // namespace
}  // namespace perfgate::engine
