#include "engine/trace_context.h"

#include <algorithm>

namespace perfgate::engine {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Writes `digits` hex digits of random bits at `out`, never all zeros (W3C: an all-zero id is
// invalid).
void random_hex(std::mt19937_64& rng, char* out, size_t digits) {
  bool zero = true;
  for (size_t i = 0; i < digits; i += 16) {
    uint64_t bits = rng();
    for (size_t j = 0; j < 16 && i + j < digits; ++j, bits >>= 4) {
      out[i + j] = kHex[bits & 0xf];
      zero = zero && (bits & 0xf) == 0;
    }
  }
  if (zero) out[digits - 1] = '1';
}

}  // namespace

Traceparent make_traceparent(std::mt19937_64& rng, double sampling) {
  Traceparent t;
  char* p = t.text.data();
  p[0] = '0', p[1] = '0', p[2] = '-';
  random_hex(rng, p + 3, 32);
  p[35] = '-';
  random_hex(rng, p + 36, 16);
  p[52] = '-';
  t.sampled = sampling >= 1.0 ||
              (sampling > 0.0 && std::uniform_real_distribution<double>(0.0, 1.0)(rng) < sampling);
  p[53] = '0';
  p[54] = t.sampled ? '1' : '0';
  return t;
}

void SlowestTraces::offer(int64_t duration_us, std::string_view trace_id) {
  if (trace_id.size() != 32) return;
  size_t at = size_;
  if (size_ == kSlowestTraces) {
    if (duration_us <= slots_[size_ - 1].duration_us) return;
    at = size_ - 1;  // the fastest kept one makes room
  } else {
    ++size_;
  }
  // Insertion keeps slots_ sorted, slowest first.
  while (at > 0 && slots_[at - 1].duration_us < duration_us) {
    slots_[at] = slots_[at - 1];
    --at;
  }
  slots_[at].duration_us = duration_us;
  std::copy(trace_id.begin(), trace_id.end(), slots_[at].trace_id.begin());
}

void SlowestTraces::add(const SlowestTraces& other) {
  for (size_t i = 0; i < other.size_; ++i) {
    offer(other.slots_[i].duration_us,
          std::string_view(other.slots_[i].trace_id.data(), other.slots_[i].trace_id.size()));
  }
}

std::vector<std::pair<std::string, int64_t>> SlowestTraces::list() const {
  std::vector<std::pair<std::string, int64_t>> out;
  for (size_t i = 0; i < size_; ++i) {
    out.emplace_back(std::string(slots_[i].trace_id.data(), slots_[i].trace_id.size()),
                     slots_[i].duration_us);
  }
  return out;
}

}  // namespace perfgate::engine
