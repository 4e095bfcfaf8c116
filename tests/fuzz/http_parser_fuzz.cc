// The gateway's HTTP/1.1 request parser on arbitrary bytes, delivered in
// arbitrary pieces as a slow or hostile client would send them.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "services/gateway/src/http_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  // The first byte sets the piece size (1–32 bytes), the rest is the stream.
  const size_t piece = 1 + data[0] % 32;
  const absl::string_view stream(reinterpret_cast<const char*>(data + 1),
                                 size - 1);
  qpp::gateway::HttpLimits limits;
  limits.max_header_bytes = 2048;
  limits.max_header_fields = 16;
  limits.max_body_bytes = 4096;
  qpp::gateway::RequestParser parser(limits);
  std::string pending;
  size_t offset = 0;
  while (offset < stream.size() && !parser.done() && !parser.failed()) {
    const absl::string_view next = stream.substr(offset, piece);
    pending.append(next.data(), next.size());
    offset += piece;
    const size_t used = parser.Feed(pending);
    if (used > pending.size()) std::abort();
    pending.erase(0, used);
  }
  if (parser.failed()) {
    const int s = parser.error_status();
    if (s != 400 && s != 413 && s != 417 && s != 431 && s != 505) std::abort();
  } else if (parser.done()) {
    qpp::gateway::HttpRequest request = parser.TakeRequest();
    if (request.body.size() > limits.max_body_bytes) std::abort();
    (void)request.Header("content-type");
  }
  return 0;
}
