// Page tokens come back from clients: decoding any string is safe, and a
// token the service made decodes to what it was made from.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "common/paging/page_token.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view in(reinterpret_cast<const char*>(data), size);
  const uint64_t fingerprint = qpp::paging::Fingerprint("filters");
  (void)qpp::paging::DecodePageToken(in, fingerprint);
  const std::string token = qpp::paging::EncodePageToken(in, fingerprint);
  auto back = qpp::paging::DecodePageToken(token, fingerprint);
  if (!in.empty() && (!back.ok() || *back != in)) std::abort();
  // Another query's token is refused.
  if (!in.empty() &&
      qpp::paging::DecodePageToken(token, fingerprint + 1).ok()) {
    std::abort();
  }
  return 0;
}
