#include "protocols/grpc/framing.h"

#include <gtest/gtest.h>

namespace perfgate::protocols::grpc {
namespace {

std::string frames(std::initializer_list<std::string_view> messages) {
  std::string out;
  for (auto m : messages) append_frame(&out, m);
  return out;
}

TEST(GrpcFraming, PrefixIsFlagAndBigEndianLength) {
  std::string out;
  append_frame(&out, std::string(258, 'x'));
  ASSERT_EQ(out.size(), 263u);
  EXPECT_EQ(out.substr(0, 5), std::string("\0\0\0\x01\x02", 5));
}

TEST(GrpcFraming, ReadsMessagesSplitAtEveryByte) {
  const std::string wire = frames({"hello", "", "world!"});
  FrameReader reader(true);
  for (char c : wire) ASSERT_TRUE(reader.feed(std::string_view(&c, 1)));
  EXPECT_TRUE(reader.finish());
  EXPECT_EQ(reader.messages(), 3u);
  ASSERT_EQ(reader.kept().size(), 3u);
  EXPECT_EQ(reader.kept()[0], "hello");
  EXPECT_EQ(reader.kept()[1], "");
  EXPECT_EQ(reader.kept()[2], "world!");
}

TEST(GrpcFraming, CountsWithoutKeeping) {
  FrameReader reader(false);
  ASSERT_TRUE(reader.feed(frames({"a", "bb", "ccc"})));
  EXPECT_EQ(reader.messages(), 3u);
  EXPECT_TRUE(reader.kept().empty());
}

TEST(GrpcFraming, RefusesCompressedAndBadFlags) {
  FrameReader reader;
  EXPECT_FALSE(reader.feed(std::string("\x01\0\0\0\x01x", 6)));
  EXPECT_EQ(reader.error(), FrameError::kCompressed);
  EXPECT_FALSE(reader.feed("more"));
  reader.reset(false);
  EXPECT_FALSE(reader.feed(std::string("\x07\0\0\0\x01x", 6)));
  EXPECT_EQ(reader.error(), FrameError::kBadFlag);
}

TEST(GrpcFraming, RefusesMessagesAboveTheBound) {
  FrameReader reader(false, 10);
  EXPECT_FALSE(reader.feed(std::string("\0\xff\xff\xff\xff", 5)));
  EXPECT_EQ(reader.error(), FrameError::kTooLarge);
  // Kept messages are bounded in total too.
  FrameReader keeping(true, 10);
  EXPECT_TRUE(keeping.feed(frames({"123456"})));
  EXPECT_FALSE(keeping.feed(frames({"123456"})));
  EXPECT_EQ(keeping.error(), FrameError::kTooLarge);
}

TEST(GrpcFraming, AStreamEndingInsideAMessageIsTruncated) {
  FrameReader reader;
  const std::string wire = frames({"hello"});
  ASSERT_TRUE(reader.feed(wire.substr(0, 7)));
  EXPECT_FALSE(reader.finish());
  EXPECT_EQ(reader.error(), FrameError::kTruncated);
  reader.reset(false);
  ASSERT_TRUE(reader.feed(wire.substr(0, 3)));
  EXPECT_FALSE(reader.finish());
}

}  // namespace
}  // namespace perfgate::protocols::grpc
