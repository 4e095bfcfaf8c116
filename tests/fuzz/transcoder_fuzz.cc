// HTTP/JSON to request mapping: route matching, query parameters, JSON
// bodies and path variables for every google.api.http binding of the
// registry's API (compiled in, as in the gateway), on arbitrary requests.
//
// Input: "<METHOD> <path>[?<query>]\n<body>".

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "qpp/registry/v1/registry_service.pb.h"
#include "services/gateway/src/transcoder.h"

namespace {

const qpp::gateway::Transcoder& Routes() {
  static const qpp::gateway::Transcoder* transcoder = [] {
    auto* t = new qpp::gateway::Transcoder();
    // Naming a message of the file links it in and registers it.
    const auto* service =
        qpp::registry::v1::CreateOrganizationRequest::descriptor()
            ->file()
            ->FindServiceByName("RegistryService");
    if (service == nullptr) std::abort();
    if (!t->AddService(service).ok() || t->routes().empty()) std::abort();
    return t;
  }();
  return *transcoder;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view in(reinterpret_cast<const char*>(data), size);
  const size_t nl = in.find('\n');
  const absl::string_view line = in.substr(0, nl);
  const absl::string_view body =
      nl == absl::string_view::npos ? absl::string_view() : in.substr(nl + 1);
  const size_t space = line.find(' ');
  if (space == absl::string_view::npos) return 0;
  const absl::string_view method = line.substr(0, space);
  absl::string_view target = line.substr(space + 1);
  absl::string_view query;
  if (const size_t q = target.find('?'); q != absl::string_view::npos) {
    query = target.substr(q + 1);
    target = target.substr(0, q);
  }
  auto match = Routes().Match(method, target);
  if (!match.ok()) return 0;
  std::string request;
  (void)Routes().BuildRequest(*match, query, body, &request);
  return 0;
}
