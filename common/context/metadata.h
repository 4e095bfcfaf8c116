#pragma once

// Names of the gRPC metadata that carry a call's context between qpp
// processes, in one place: the gateway sets them on the calls it forwards,
// services read them (RequestContextFromServer) and pass the request id and
// principal on to the services they call (client::ServiceClient). No gRPC here,
// so that any layer may name them.

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"

namespace qpp {

// The request id that ties together every log and audit line of one call
// through the gateway and the services behind it; see IsValidRequestId.
inline constexpr char kRequestIdHeader[] = "x-request-id";

// The calling system as the gateway authenticated it: the API key's client
// name (e.g. "finance-funding") or "cert:<certificate subject>".
inline constexpr char kPrincipalHeader[] = "x-qpp-principal";

// The roles of the principal in the gateway's policy, comma-separated
// (e.g. "district_office"). Set by the gateway only; read by a service only
// where it believes kPrincipalHeader; never forwarded between services.
inline constexpr char kRoleHeader[] = "x-qpp-role";

// The district the principal acts for, a GB/T 2260 county code (e.g.
// "440304"), when the gateway's policy confines it to one; absent for
// city-wide principals. Set, read and forwarded as kRoleHeader.
inline constexpr char kDistrictHeader[] = "x-qpp-district";

// Whether `code` may be a district header: six digits.
inline bool IsValidDistrictCode(absl::string_view code) {
  if (code.size() != 6) return false;
  for (char c : code) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

// Whether `roles` may be a role header: 1 to 128 characters of
// [a-z0-9_,-].
inline bool IsValidRoleList(absl::string_view roles) {
  if (roles.empty() || roles.size() > 128) return false;
  for (char c : roles) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '_' &&
        c != ',' && c != '-') {
      return false;
    }
  }
  return true;
}

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
