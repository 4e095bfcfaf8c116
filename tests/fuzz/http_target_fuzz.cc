// The gateway's checks of a request's path and query string (encoded
// slashes and dots, control characters, invalid UTF-8, …).

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "services/gateway/src/http_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view in(reinterpret_cast<const char*>(data), size);
  (void)qpp::gateway::CheckRequestPath(in);
  (void)qpp::gateway::CheckQuery(in);
  return 0;
}
