#pragma once

#include <string_view>

#include "absl/strings/string_view.h"

namespace qpp::server {

// Sends spdlog's default logger to stderr as one JSON object per line
// ({"ts","level","service","msg"}, UTC), at `level` ("debug", "info", ...).
void InitLogging(absl::string_view service, absl::string_view level);

}  // namespace qpp::server
