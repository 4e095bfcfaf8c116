#pragma once

// What one call carries from its caller, through a service's domain code, to
// the calls that service makes in turn: until when an answer is useful, the
// id that ties its log lines together, and on whose behalf it runs.
//
// Plain C++ (no gRPC), so that domain code can take it as an argument. The
// gRPC surface builds it from the incoming call (RequestContextFromServer in
// common/context/grpc_request_context.h); client::ServiceClient turns it
// into the deadline and metadata of an outgoing call.

#include <string>
#include <utility>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace qpp {

// The calling system, as the gateway authenticated it, and what the
// authorisation rules of a service know about it.
struct Principal {
  // The client name of an API key (e.g. "finance-funding") or
  // "cert:<subject>" for an mTLS client certificate; empty when the call
  // names nobody (a call that did not come through the gateway).
  std::string name;
  // Attributes that services' authorisation rules read: the principal's
  // roles in the gateway's policy, comma-separated (e.g.
  // "district_office"), and the district it is confined to (e.g.
  // "440304"; empty for a city-wide principal). The gateway sets them (its
  // policy is the one source) and RequestContextFromServer reads them only
  // where it believes `name`. Not forwarded by one service to another: a
  // service calls others with its own, city-wide rights.
  std::string role;
  std::string district_code;

  bool empty() const { return name.empty(); }
  // Who to record as having made a change: `name`, or "unknown" for a
  // call that names nobody.
  std::string actor() const { return empty() ? "unknown" : name; }
};

// A call's context. A value type: cheap to copy, safe to share between
// threads as long as nobody modifies it.
class RequestContext final {
 public:
  // No deadline, no request id, no principal: for work that starts in this
  // process (start-up, background jobs, tools and tests).
  RequestContext() = default;

  // The absolute time after which the caller no longer waits for an answer;
  // absl::InfiniteFuture() when it set none.
  absl::Time deadline() const { return deadline_; }
  bool has_deadline() const { return deadline_ != absl::InfiniteFuture(); }
  // Time left until the deadline as of `now`: negative once it has passed,
  // absl::InfiniteDuration() without a deadline.
  absl::Duration Remaining(absl::Time now = absl::Now()) const {
    return deadline_ - now;
  }
  // Whether the deadline has passed as of `now`.
  bool Expired(absl::Time now = absl::Now()) const { return deadline_ <= now; }

  // Valid (see IsValidRequestId in metadata.h) or empty.
  const std::string& request_id() const { return request_id_; }
  const Principal& principal() const { return principal_; }

  // Setters return *this so that a context reads as one expression:
  //   RequestContext().set_deadline(t).set_request_id("r-1").
  RequestContext& set_deadline(absl::Time deadline) {
    deadline_ = deadline;
    return *this;
  }
  // Sets the deadline `timeout` from now.
  RequestContext& set_timeout(absl::Duration timeout) {
    deadline_ = absl::Now() + timeout;
    return *this;
  }
  // The caller keeps `id` valid; RequestContextFromServer drops invalid ids.
  RequestContext& set_request_id(std::string id) {
    request_id_ = std::move(id);
    return *this;
  }
  RequestContext& set_principal(Principal principal) {
    principal_ = std::move(principal);
    return *this;
  }
  Principal& mutable_principal() { return principal_; }

 private:
  absl::Time deadline_ = absl::InfiniteFuture();
  std::string request_id_;
  Principal principal_;
};

}  // namespace qpp
