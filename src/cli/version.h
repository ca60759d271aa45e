#pragma once

namespace perfgate {
inline constexpr const char* kVersion = "0.1.0";
}
