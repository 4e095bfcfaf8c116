#pragma once

// The gateway's core, shared by the gRPC proxy and the HTTP/JSON front:
// resolve the method, authenticate, authorise, rate-limit, fix the
// deadline and request id (Admit); decorate the outbound call
// (PrepareClientContext); record metrics and the audit line (Complete).

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/context/metadata.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "prometheus/histogram.h"
#include "services/gateway/src/api_keys.h"
#include "services/gateway/src/audit_log.h"
#include "services/gateway/src/backends.h"
#include "services/gateway/src/gateway_metrics.h"
#include "services/gateway/src/policy.h"
#include "services/gateway/src/rate_limiter.h"
#include "services/gateway/src/refusal_budget.h"
#include "services/gateway/src/resource_names.h"

namespace qpp::gateway {

// Metadata the gateway sets on outbound calls.
inline constexpr char kApiKeyHeader[] = "x-api-key";

// Deadlines.
struct GatewayOptions {
  // Applied when the caller sets no deadline.
  absl::Duration default_deadline = absl::Seconds(10);
  // Upper bound of any caller's deadline.
  absl::Duration max_deadline = absl::Seconds(60);
  // Methods ("/pkg.Service/Method") answered without credentials, as
  // kAnonymousPrincipal, rate-limited per client address (apis.h).
  std::vector<std::string> public_methods;
};

enum class Protocol { kGrpc = 0, kHttp = 1 };

// A method the gateway knows from a compiled-in descriptor.
struct MethodInfo {
  std::string full_name;  // "/pkg.Service/Method"
  std::string service;    // "pkg.Service"
  std::string method;     // "Method"
  const google::protobuf::MethodDescriptor* descriptor = nullptr;
  bool unary = true;
  // Whether the method changes state (anything but Get*, List*, Search*,
  // BatchGet*, Verify*, Check*, Watch*): refused while the audit log is
  // unwritable.
  bool mutation = false;
  // How the audit line names the call's resources (resource_names.h).
  ResourceRule resources;
  // Metric series label values.
  std::string metric_service;
  std::string metric_method;
  prometheus::Histogram* seconds[2] = {nullptr, nullptr};
  // Counters per protocol and google.rpc.Code, created on first use.
  std::atomic<prometheus::Counter*> handled[2][17] = {};
};

// What the front end knows about an incoming call.
struct Inbound {
  Protocol protocol = Protocol::kGrpc;
  std::string full_method;    // "/pkg.Service/Method"
  std::string api_key;        // from x-api-key or "authorization: Bearer"
  std::string cert_identity;  // verified mTLS client certificate subject
  std::string request_id;     // as sent by the caller, may be empty
  std::string peer;           // client address
  // The caller's deadline; max() when none.
  std::chrono::system_clock::time_point deadline =
      std::chrono::system_clock::time_point::max();
};

// The outcome of admission; filled as far as admission got.
struct Admission {
  const MethodInfo* method = nullptr;  // null for unknown methods
  Upstream* upstream = nullptr;
  std::string principal;
  // The principal's roles and district from the policy (Policy::Attributes),
  // set once the call is authorised; passed to the backend beside it.
  std::string roles;
  std::string district;
  std::string client_label;  // bounded metric label
  std::string request_id;    // validated or generated
  std::chrono::system_clock::time_point deadline;
  absl::Time start;
  CallResources resources;
  // Refused by the gateway before reaching a backend (no or a wrong key,
  // not allowed, refusal budget spent): counts against the address's
  // refusal budget and audit allowance (refusal_budget.h).
  bool refused = false;
  // A call without credentials to a public method: principal
  // kAnonymousPrincipal, rate-limited by client address.
  bool anonymous = false;
};

// The core. Thread-safe; dependencies are not owned and must outlive it.
class Gateway final {
 public:
  Gateway(GatewayOptions options, const ApiKeyStore* keys, const Policy* policy,
          RateLimiter* limiter, AuditWriter* audit, BackendSet* backends,
          GatewayMetrics* metrics);

  // From now on, new calls (gRPC and HTTP) are refused with UNAVAILABLE
  // (GATEWAY_DRAINING) while those already admitted finish: the first step
  // of a graceful stop, so that no call reaches the listeners as they
  // close. The refusal carries google.rpc.RetryInfo asking the caller to
  // wait until `listeners_close_in` has passed (plus a margin), so that a
  // caller's retry does not arrive while the listeners close, where it
  // would be answered CANCELLED, but at the next instance. Irreversible;
  // thread-safe.
  void BeginDrain(absl::Duration listeners_close_in = absl::ZeroDuration());

  // Replaces the keys and the policy (e.g. after a key was revoked); calls
  // already admitted are unaffected. Thread-safe.
  void Reload(std::shared_ptr<const ApiKeyStore> keys,
              std::shared_ptr<const Policy> policy);

  // Makes the methods of `service` known: resource extraction, mutation
  // flag and metric series. Call before serving.
  void AddKnownService(const google::protobuf::ServiceDescriptor* service);

  // The known method "/pkg.Service/Method", or null.
  const MethodInfo* FindMethod(absl::string_view full_method) const;

  // Applies abuse limits before authentication to every call (`budget` is
  // not owned; null: none). Call before serving.
  void SetRefusalBudget(RefusalBudget* budget) { refusals_ = budget; }

  // Admits a call. `keys` and `policy` given to the constructor (not owned)
  // apply until the first Reload. Errors, in order of checking:
  //  RESOURCE_EXHAUSTED with reason TOO_MANY_REFUSED_CALLS (the address
  //    spent its refusal budget; before authentication);
  //  UNAUTHENTICATED (no credentials for a method that is not public, or
  //    an invalid API key, also for a public method);
  //  PERMISSION_DENIED (the policy does not allow the method; also for
  //    malformed method names, so nothing is revealed to a caller that may
  //    not call it);
  //  UNIMPLEMENTED (allowed by a wildcard but no backend serves the
  //    service);
  //  RESOURCE_EXHAUSTED with RetryInfo (rate limit);
  //  UNAVAILABLE (a mutation while the audit log is unwritable).
  // `out` is filled as far as admission got, for Complete.
  absl::Status Admit(const Inbound& in, Admission* out);

  // Only the authentication step of Admit (fills principal, client label
  // and request id); RESOURCE_EXHAUSTED (refusal budget) or
  // UNAUTHENTICATED on failure. Used for calls that match no method, so
  // that their audit line still names the caller.
  absl::Status Authenticate(const Inbound& in, Admission* out);

  // Sets the outbound deadline, x-request-id, x-qpp-principal, and
  // x-qpp-role and x-qpp-district when the policy gives the principal any.
  void PrepareClientContext(const Admission& admission,
                            grpc::ClientContext* ctx) const;

  // Adds the resources named in one serialized request message of
  // `method` (each message of a client stream in turn) to `out`.
  static void NameRequestResources(const MethodInfo& method,
                                   const grpc::ByteBuffer& request,
                                   CallResources* out);

  // Adds what the serialized response of a successful call of `method`
  // names: the name the server gave a created resource.
  static void NameResponseResources(const MethodInfo& method,
                                    const grpc::ByteBuffer& response,
                                    CallResources* out);

  // Records metrics and writes the audit line of a finished call; a refused
  // call past its address's audit allowance is counted into an aggregate
  // line instead (refusal_budget.h).
  void Complete(const Admission& admission, const Inbound& in, int code,
                int http_status);

  // The status to give the caller for an upstream's status: transport
  // failures (UNAVAILABLE without details, whose message names internal
  // addresses) become a generic "<service> is unavailable" message; a
  // CANCELLED that the caller did not ask for (`caller_cancelled` false: the
  // backend dropped the call, e.g. as it was stopping) becomes UNAVAILABLE,
  // which callers retry (with the same request id for writes); every other
  // status passes unchanged, details included.
  static grpc::Status SanitizeUpstreamStatus(const Admission& admission,
                                             grpc::Status status,
                                             bool caller_cancelled = false);

  // The OutboundCall view of an admission, for local upstreams.
  static OutboundCall OutboundOf(const Admission& admission);

  GatewayMetrics* metrics() const { return metrics_; }

 private:
  // Per-client series, created on first use and cached.
  struct ClientSeries {
    prometheus::Histogram* seconds = nullptr;
    prometheus::Counter* handled[17] = {};
  };
  ClientSeries& ClientSeriesOf(const std::string& client);
  prometheus::Counter& HandledOf(const MethodInfo* method, int protocol,
                                 int code);

  GatewayOptions options_;
  std::atomic<bool> draining_{false};
  // When the listeners close (set once, before draining_).
  std::atomic<int64_t> listeners_close_unix_ms_{0};
  // Swapped whole by Reload; each call works on the pair it started with.
  struct Credentials {
    std::shared_ptr<const ApiKeyStore> keys;
    std::shared_ptr<const Policy> policy;
  };
  std::shared_ptr<const Credentials> credentials() const;
  absl::Status Authenticate(const Inbound& in, const Credentials& creds,
                            Admission* out);

  mutable std::mutex credentials_mu_;
  std::shared_ptr<const Credentials> credentials_;
  RateLimiter* limiter_;
  RefusalBudget* refusals_ = nullptr;
  AuditWriter* audit_;
  BackendSet* backends_;
  GatewayMetrics* metrics_;
  std::unordered_map<std::string, std::unique_ptr<MethodInfo>> methods_;
  std::unordered_set<std::string> public_methods_;
  std::mutex client_mu_;
  std::unordered_map<std::string, ClientSeries> clients_;
};

// A new random request id (UUID version 4 text).
std::string NewRequestId();

// Whether inbound metadata `key` (lower case) must not be forwarded to a
// backend: the gateway sets x-qpp-principal, x-qpp-role, x-qpp-district and
// x-request-id itself, and
// credentials, gRPC's reserved headers and the inbound hop's transport
// headers stay at the gateway. A "-bin" variant of an owned header is
// reserved as well, so that no client can speak for a principal or a
// request id in binary form.
bool IsReservedMetadata(absl::string_view key);

// Whether a method name reads as a mutation (see MethodInfo::mutation).
bool IsMutationName(absl::string_view method);

}  // namespace qpp::gateway
