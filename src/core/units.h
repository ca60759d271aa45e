// Units: parsing and formatting of durations, rates, byte sizes and percentages as people
// write them in plans and on the command line ("1m30s", "250ms", "20/s", "512MB").
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace perfgate {

// Go/k6-style durations: a sequence of <number><unit> with units ns, us (or µs), ms, s, m, h;
// a bare "0" is zero. Fractions are allowed ("1.5s"). Negative durations are rejected.
Result<Nanos> parse_duration(std::string_view text);

// Requests per second from "100", "100/s", "6000/m", "10/1s", "5/100ms".
Result<double> parse_rate(std::string_view text);

// Bytes from "512", "512B", "4KB" (1000), "4KiB" (1024), "1.5MB", "2GiB".
Result<double> parse_bytes(std::string_view text);

// "1.23ms", "850µs", "2.5s", "1m30s": a compact, human duration with 3 significant digits.
std::string format_duration(Nanos duration);

// "1.2 MB", "512 B", "3.4 GB" (decimal units, as k6 prints data_sent/data_received).
std::string format_bytes(double bytes);

}  // namespace perfgate
