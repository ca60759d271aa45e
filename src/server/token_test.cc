#include "server/token.h"

#include <gtest/gtest.h>

namespace perfgate::server {
namespace {

TEST(TokenSigner, IssuedTokensVerifyToTheirUsername) {
  const TokenSigner signer;
  for (std::string name : {std::string("alice"), std::string("bob@example.com"),
                           std::string("x\0y", 3), std::string("ünï")}) {
    const auto user = signer.verify(signer.issue(name));
    ASSERT_TRUE(user) << name;
    EXPECT_EQ(*user, name);
  }
}

TEST(TokenSigner, TamperedTokensAreRejected) {
  const TokenSigner signer;
  const std::string token = signer.issue("alice");
  std::string flipped = token;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  EXPECT_FALSE(signer.verify(flipped));
  // Another user's name with alice's MAC.
  const std::string mallory = signer.issue("mallory");
  EXPECT_FALSE(signer.verify(mallory.substr(0, mallory.find('.')) + token.substr(token.find('.'))));
  EXPECT_FALSE(signer.verify(token + "0"));
  EXPECT_FALSE(signer.verify(token.substr(0, token.size() - 1)));
}

TEST(TokenSigner, MalformedTokensAreRejected) {
  const TokenSigner signer;
  for (std::string bad :
       {"", ".", "abc", "616c696365", ".abcdef", "zz.00", "616.00", "616C696365.00"}) {
    EXPECT_FALSE(signer.verify(bad)) << bad;
  }
}

TEST(TokenSigner, KeysDifferPerSignerSoTokensDoNotTransfer) {
  const TokenSigner a;
  const TokenSigner b;
  EXPECT_NE(a.issue("alice"), b.issue("alice"));
  EXPECT_FALSE(b.verify(a.issue("alice")));
}

TEST(TokenSigner, AFixedKeyGivesAStableToken) {
  std::array<unsigned char, TokenSigner::kKeyBytes> key{};
  const TokenSigner one(key);
  const TokenSigner two(key);
  EXPECT_EQ(one.issue("alice"), two.issue("alice"));
  EXPECT_EQ(one.issue("alice").substr(0, 11), "616c696365.");
  EXPECT_EQ(one.issue("alice").size(), 11u + 64u);  // hex of a SHA-256 MAC
}

}  // namespace
}  // namespace perfgate::server
