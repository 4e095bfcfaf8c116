#pragma once

#include <memory>

#include "absl/strings/string_view.h"
#include "spdlog/formatter.h"

namespace qpp::server {

// The formatter InitLogging installs: one JSON object per line,
// {"ts","level","service","msg"}, UTC, the message escaped by nlohmann-json
// with invalid UTF-8 replaced by U+FFFD, so that every line parses.
std::unique_ptr<spdlog::formatter> NewJsonLogFormatter();

// Sends spdlog's default logger to stderr as one JSON object per line
// ({"ts","level","service","msg"}, UTC), at `level` ("debug", "info", ...).
void InitLogging(absl::string_view service, absl::string_view level);

}  // namespace qpp::server
