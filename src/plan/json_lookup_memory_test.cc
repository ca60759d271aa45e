// The memory claim of plan/json_lookup.h, measured: every heap allocation made by this test
// binary is counted (a replaced global operator new), and looking a value up in a 32 MB JSON body
// must allocate a small fraction of the body, where the DOM allocates several times the body.
// Its own binary, so the counting operator new touches no other test.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "plan/json_lookup.h"
#include "plan/runtime.h"

namespace {
std::atomic<std::size_t> g_allocated{0};
}

void* operator new(std::size_t size) {
  g_allocated.fetch_add(size, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace perfgate::plan {
namespace {

// {"items": [{"id": 0, "name": "item-0", "tags": ["a", "b"]}, ...], "token": "abc"}
std::string big_body(size_t min_bytes) {
  std::string body = R"({"items": [)";
  for (size_t i = 0; body.size() < min_bytes; ++i) {
    if (i > 0) body += ',';
    body += R"({"id": )" + std::to_string(i) + R"(, "name": "item-)" + std::to_string(i) +
            R"(", "tags": ["a", "b"]})";
  }
  body += R"(], "token": "abc"})";
  return body;
}

TEST(JsonLookupMemory, AllocatesAFractionOfTheBodyWhereTheDomTakesMultiples) {
  const std::string body = big_body(32u << 20);

  size_t before = g_allocated.load();
  { auto dom = nlohmann::json::parse(body); }
  const size_t dom_bytes = g_allocated.load() - before;
  // The counter sees what a DOM costs: several times the body.
  EXPECT_GT(dom_bytes, 2 * body.size());

  before = g_allocated.load();
  auto token = json_lookup(body, "/token");
  auto item = json_lookup(body, "/items/1000/name");
  const size_t lookup_bytes = g_allocated.load() - before;
  ASSERT_TRUE(token);
  EXPECT_EQ(*token, "abc");
  EXPECT_EQ(*item, "item-1000");
  EXPECT_LT(lookup_bytes, 64u << 10) << "body " << body.size() << " bytes, DOM " << dom_bytes;

  // Through the engine's entry point: a json extraction and two JSON checks.
  std::pair<std::string_view, std::string_view> no_headers[1];
  ResponseView view{200, std::span(no_headers, 0), body, 0};
  Extract e;
  e.source = ExtractSource::kJson;
  e.expression = "/items/7/tags/1";
  Check exists{CheckKind::kJsonExists};
  exists.subject = "/token";
  Check equals{CheckKind::kJsonEquals};
  equals.subject = "/items/3/id";
  equals.expected = "3";
  before = g_allocated.load();
  ResponseInspector inspector(view);
  EXPECT_EQ(inspector.extract(e), "b");
  EXPECT_TRUE(inspector.passes(exists));
  EXPECT_TRUE(inspector.passes(equals));
  EXPECT_LT(g_allocated.load() - before, 64u << 10);
}

}  // namespace
}  // namespace perfgate::plan
