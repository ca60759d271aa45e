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

TEST(Redact, SensitiveHeaderNames) {
  for (const char* name : {"X-Api-Key", "x-auth-token", "X-Session-Id", "Api_Key", "X-Secret"}) {
    EXPECT_TRUE(is_sensitive_header(name)) << name;
  }
  EXPECT_FALSE(is_sensitive_header("Content-Type"));
  EXPECT_FALSE(is_sensitive_header("Accept"));
}

TEST(Redact, UrlUserinfoAndSecretQueryValuesByTheirShape) {
  const Redactor shape;
  EXPECT_EQ(shape.text("invalid URL \"http://bob:hunter2@h:1/x?a=1&token=abc&b=2\""),
            "invalid URL \"http://[REDACTED]@h:1/x?a=1&token=[REDACTED]&b=2\"");
  EXPECT_EQ(shape.text("influxdb=http://h:8086/write?db=x&u=me&p=pw"),
            "influxdb=http://h:8086/write?db=x&u=me&p=[REDACTED]");
  EXPECT_EQ(shape.text("GET /search?q=cats&page=2"), "GET /search?q=cats&page=2");
  EXPECT_EQ(shape.text("mail bob@example.com at http://h/"), "mail bob@example.com at http://h/");
  // Idempotent: a redacted text stays as it is.
  const std::string once = shape.text("http://u:p@h/?api_key=k");
  EXPECT_EQ(shape.text(once), once);
}

TEST(Redact, SecretsFoundInUrlsAndHeaders) {
  EXPECT_EQ(secrets_in_url("http://bob:pw1@h/x?db=a&api_key=k9&sig=s#frag"),
            (std::vector<std::string>{"bob:pw1", "pw1", "k9", "s"}));
  EXPECT_TRUE(secrets_in_url("http://h/x?q=1").empty());
  EXPECT_EQ(secrets_in_header("Authorization", "Bearer abc123"),
            (std::vector<std::string>{"Bearer abc123", "abc123"}));
  EXPECT_EQ(secrets_in_header("Cookie", "sid=s3ss10n; theme=dark"),
            (std::vector<std::string>{"sid=s3ss10n; theme=dark", "s3ss10n", "dark"}));
  EXPECT_TRUE(secrets_in_header("Accept", "text/plain").empty());
}

}  // namespace
}  // namespace perfgate::plan
