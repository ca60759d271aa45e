#include "plan/redact.h"

#include <gtest/gtest.h>

namespace perfgate::plan {
namespace {

TEST(Redact, SensitiveHeadersAreAlwaysHidden) {
  const Redactor redactor;
  EXPECT_EQ(redactor.header("Authorization", "Bearer abc"), "[REDACTED]");
  EXPECT_EQ(redactor.header("cookie", "sid=1"), "[REDACTED]");
  EXPECT_EQ(redactor.header("Set-Cookie", "sid=1"), "[REDACTED]");
  EXPECT_EQ(redactor.header("Proxy-Authorization", "Basic x"), "[REDACTED]");
  EXPECT_EQ(redactor.header("Accept", "application/json"), "application/json");
  EXPECT_FALSE(is_sensitive_header("X-Authorization-Hint"));
}

TEST(Redact, SecretValuesAndHeaderLinesInText) {
  const Redactor redactor({"s3cr3t", "s3cr3t-longer", ""});
  EXPECT_EQ(redactor.text("token=s3cr3t-longer&again=s3cr3t"), "token=[REDACTED]&again=[REDACTED]");
  EXPECT_EQ(redactor.text("GET / HTTP/1.1\nAuthorization: Bearer xyz\nAccept: */*\ncookie: a=b"),
            "GET / HTTP/1.1\nAuthorization: [REDACTED]\nAccept: */*\ncookie: [REDACTED]");
  EXPECT_EQ(redactor.header("X-Api", "key s3cr3t"), "key [REDACTED]");
  EXPECT_EQ(redactor.text("nothing here"), "nothing here");
}

}  // namespace
}  // namespace perfgate::plan
