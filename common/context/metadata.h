#pragma once

// Names of the gRPC metadata that carry a call's context between qpp
// processes, in one place: the gateway sets them on the calls it forwards,
// services read them (RequestContextFromServer) and pass them on to the
// services they call (client::ServiceClient). No gRPC here, so that any
// layer may name them.

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"

namespace qpp {

// The request id that ties together every log and audit line of one call
// through the gateway and the services behind it; see IsValidRequestId.
inline constexpr char kRequestIdHeader[] = "x-request-id";

// The calling system as the gateway authenticated it: the API key's client
// name (e.g. "finance-funding") or "cert:<certificate subject>".
inline constexpr char kPrincipalHeader[] = "x-qpp-principal";

// Whether `id` may be used as a request id: 1 to 64 characters of
// [A-Za-z0-9._:-], so that it is safe in log lines and metadata.
inline bool IsValidRequestId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != '_' && c != ':' &&
        c != '-') {
      return false;
    }
  }
  return true;
}

}  // namespace qpp
