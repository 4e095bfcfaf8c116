// Log lines are one JSON object each, whatever the message holds.
#include "common/server/logging.h"

#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "spdlog/details/log_msg.h"

namespace qpp::server {
namespace {

// The line the formatter makes of `message`, parsed strictly (nlohmann
// rejects invalid UTF-8 and raw control characters).
nlohmann::json Format(const std::string& message) {
  auto formatter = NewJsonLogFormatter();
  spdlog::details::log_msg msg("qpp-test", spdlog::level::warn, message);
  spdlog::memory_buf_t out;
  formatter->format(msg, out);
  const std::string line(out.data(), out.size());
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line";
  nlohmann::json parsed = nlohmann::json::parse(line, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << line;
  return parsed.is_discarded() ? nlohmann::json::object() : parsed;
}

TEST(JsonLog, LinesHaveTheFieldsAndTheMessageRoundTrips) {
  const std::string text =
      "深圳 \"quoted\" back\\slash\ttab\nnew line \x01\x1f 😀";
  const nlohmann::json j = Format(text);
  EXPECT_EQ(j["msg"], text);
  EXPECT_EQ(j["level"], "warning");
  EXPECT_EQ(j["service"], "qpp-test");
  EXPECT_EQ(j["ts"].get<std::string>().back(), 'Z');
}

TEST(JsonLog, InvalidUtf8BecomesReplacementCharacters) {
  const nlohmann::json j = Format("id=\xff\xfe tail \xc3");
  const std::string msg = j["msg"].get<std::string>();
  EXPECT_EQ(msg.rfind("id=\xEF\xBF\xBD", 0), 0u) << msg;
  EXPECT_NE(msg.find(" tail "), std::string::npos);
}

}  // namespace
}  // namespace qpp::server
