// The gateway's API-key file parser and key checks on arbitrary text.

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "services/gateway/src/api_keys.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view in(reinterpret_cast<const char*>(data), size);
  auto store = qpp::gateway::ApiKeyStore::Parse(in);
  if (store.ok()) {
    // Each line of the input as a presented key.
    size_t start = 0;
    while (start <= in.size()) {
      size_t end = in.find('\n', start);
      if (end == absl::string_view::npos) end = in.size();
      (void)store->Verify(in.substr(start, end - start));
      start = end + 1;
    }
  }
  (void)qpp::gateway::IsValidClientId(in);
  return 0;
}
