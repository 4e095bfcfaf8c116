#pragma once

// Per-method authorisation from the policy file (qpp.gateway.v1.GatewayPolicy
// in protobuf JSON). Fails closed: a principal that is not listed, a role
// that allows nothing, or a method that no pattern matches is denied.

#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "qpp/gateway/v1/gateway_config.pb.h"

namespace qpp::gateway {

// Whether `text` matches `pattern`, where '*' matches any run of characters
// (including none) and every other character matches itself.
bool GlobMatch(absl::string_view pattern, absl::string_view text);

// A token bucket's parameters; rate <= 0 means unlimited.
struct RateLimitConfig {
  double requests_per_second = 0;
  double burst = 0;
};

// The loaded policy. Immutable and thread-safe after construction.
class Policy final {
 public:
  // Parses and checks a policy: every principal's roles exist, every
  // pattern reads "<service pattern>/<method pattern>", no duplicates.
  // INVALID_ARGUMENT naming the problem otherwise.
  static absl::StatusOr<Policy> FromJson(absl::string_view json);
  static absl::StatusOr<Policy> FromProto(v1::GatewayPolicy proto);

  // OK if a role of `principal` allows `service`/`method` (the
  // fully-qualified service name and the method name). PERMISSION_DENIED
  // otherwise, with ErrorInfo reason METHOD_NOT_ALLOWED.
  absl::Status Authorize(absl::string_view principal, absl::string_view service,
                         absl::string_view method) const;

  // Whether the principal is listed.
  bool Knows(absl::string_view principal) const;

  // What the gateway tells the backends about a principal: its roles,
  // comma-separated in the order of the policy, and its district ("" for a
  // city-wide principal). Both empty for an unlisted principal.
  struct Attributes {
    std::string roles;
    std::string district;
  };
  Attributes AttributesOf(absl::string_view principal) const;

  // The principal's rate limit: its own, else the most generous of its
  // roles', else the default.
  RateLimitConfig RateLimitFor(absl::string_view principal) const;

 private:
  struct Pattern {
    std::string service;
    std::string method;
  };
  struct Compiled {
    std::vector<Pattern> allow;
    RateLimitConfig rate_limit;
    Attributes attributes;
  };
  std::unordered_map<std::string, Compiled> principals_;
  RateLimitConfig default_rate_limit_;
};

}  // namespace qpp::gateway
