#pragma once

// The one way a qpp service calls another. A ServiceClient owns the channel
// to one callee and makes blocking unary calls on it (from the executor
// threads that run domain code, never from gRPC's callback threads). Every
// call
//  - gets a deadline: the caller's remaining deadline, capped by
//    ClientOptions::max_deadline, or ClientOptions::default_deadline when
//    the caller has none;
//  - carries the caller's request id (x-request-id) and principal
//    (x-qpp-principal), see common/context/metadata.h;
//  - returns the callee's status as an absl::Status with the same code and
//    google.rpc details (ErrorInfo, BadRequest, RetryInfo ...), except that
//    UNAVAILABLE and DEADLINE_EXCEEDED get a message naming the callee by
//    its display name, never its address or gRPC's transport error text;
//  - is counted in grpc_client_started_total, grpc_client_handled_total
//    {grpc_service, grpc_method, grpc_code} and grpc_client_handling_seconds.
//
// A service does not hand a ServiceClient to its domain code. It declares
// the few calls it needs as an interface of its own, implemented over the
// callee's generated stub and a ServiceClient, and faked in unit tests:
//
//   // services/training/src/registry_client.h
//   class RegistryClient {
//    public:
//     virtual ~RegistryClient() = default;
//     // NOT_FOUND (reason ORGANIZATION_NOT_FOUND) for an unknown USCC;
//     // UNAVAILABLE, DEADLINE_EXCEEDED when the registry cannot answer.
//     virtual absl::StatusOr<registry::v1::Organization> GetOrganization(
//         const RequestContext& context, absl::string_view uscc) = 0;
//   };
//
//   // The implementation:
//   absl::StatusOr<registry::v1::Organization>
//   GrpcRegistryClient::GetOrganization(const RequestContext& context,
//                                       absl::string_view uscc) {
//     registry::v1::GetOrganizationRequest request;
//     request.set_name(absl::StrCat("organizations/", uscc));
//     registry::v1::Organization organization;
//     QPP_RETURN_IF_ERROR(client_.Call(
//         context, "GetOrganization", stub_.get(),
//         &registry::v1::RegistryService::Stub::GetOrganization, request,
//         &organization));
//     return organization;
//   }
//
// where client_ is a ServiceClient constructed with
// DescriptorOf<registry::v1::RegistryService>() and stub_ is
// registry::v1::RegistryService::NewStub(client_.channel()).

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/context/request_context.h"
#include "common/metrics/metrics.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

namespace qpp::client {

// How calls to one callee are made.
struct ClientOptions {
  // How the callee is named in error messages and logs, e.g. "registry".
  std::string display_name;
  // The deadline of a call whose caller set none (background work, tools).
  absl::Duration default_deadline = absl::Seconds(5);
  // No call waits longer than this, whatever the caller's deadline: a
  // caller that allows a minute should not have its executor thread held
  // for a minute by one callee. Also caps `default_deadline`.
  absl::Duration max_deadline = absl::Seconds(10);
};

// The descriptor of a generated gRPC service class, e.g.
// DescriptorOf<registry::v1::RegistryService>(); null if its generated
// code is not linked in.
template <typename GrpcService>
const google::protobuf::ServiceDescriptor* DescriptorOf() {
  return google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      GrpcService::service_full_name());
}

// Calls to one callee service over one channel. Thread-safe; calls may run
// concurrently from any number of threads.
class ServiceClient final {
 public:
  // `service` is the callee's descriptor (see DescriptorOf); the process
  // aborts at start-up if it is null. The metric series of all its
  // methods are created in `registry` at once, at zero. Several clients may
  // share one registry.
  ServiceClient(std::shared_ptr<grpc::Channel> channel,
                const google::protobuf::ServiceDescriptor* service,
                ClientOptions options, prometheus::Registry& registry);
  ServiceClient(const ServiceClient&) = delete;
  ServiceClient& operator=(const ServiceClient&) = delete;

  // Calls unary method `method` (its bare name, e.g. "GetOrganization") of
  // the callee through `rpc`, a callable
  //   grpc::Status(grpc::ClientContext*, const Request&, Response*)
  // such as a lambda around a generated stub's method, which receives a
  // ClientContext that already carries the deadline and metadata. Blocks
  // until the callee answers or the deadline passes. Returns OK with
  // `response` filled, or:
  //  - the callee's own status: same code, message and details;
  //  - UNAVAILABLE "<display name> is unavailable; try again later" when the
  //    callee cannot be reached or reports itself unavailable (its details,
  //    e.g. ErrorInfo SERVER_OVERLOADED or RetryInfo, are kept), and when
  //    the callee dropped the call (CANCELLED, as a server does to a call
  //    that reaches it while it shuts down: this client never cancels);
  //  - DEADLINE_EXCEEDED "<display name> did not answer in time", also when
  //    the caller's deadline had passed before the call;
  //  - INTERNAL when `method` is not a unary method of the service, or
  //    `Request`/`Response` are not its types (a programming error; nothing
  //    is sent).
  // Callers decide what a callee's error means for their own API; passing
  // UNAVAILABLE and DEADLINE_EXCEEDED on unchanged is usually right.
  template <typename Request, typename Response, typename Rpc>
  absl::Status Call(const RequestContext& context, absl::string_view method,
                    const Request& request, Response* response,
                    Rpc&& rpc) const {
    grpc::ClientContext call;
    const Method* m = Prepare(context, method, Request::descriptor(),
                              Response::descriptor(), &call);
    if (m == nullptr) return MisuseError(method);
    const absl::Time start = absl::Now();
    const grpc::Status status =
        std::invoke(std::forward<Rpc>(rpc), &call, request, response);
    return Finish(context, *m, start, status);
  }

  // The same with a generated stub and the pointer to its method, e.g.
  //   Call(context, "GetOrganization", stub.get(),
  //        &v1::RegistryService::Stub::GetOrganization, request, &org).
  template <typename Stub, typename Request, typename Response>
  absl::Status Call(const RequestContext& context, absl::string_view method,
                    Stub* stub,
                    grpc::Status (Stub::*rpc)(grpc::ClientContext*,
                                              const Request&, Response*),
                    const Request& request, Response* response) const {
    return Call(
        context, method, request, response,
        [stub, rpc](grpc::ClientContext* call, const Request& req,
                    Response* resp) { return (stub->*rpc)(call, req, resp); });
  }

  // The channel, for creating the callee's generated stub.
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  const std::string& display_name() const { return options_.display_name; }
  const ClientOptions& options() const { return options_; }

  // The deadline a call made now with `context` gets (see ClientOptions).
  absl::Time DeadlineFor(const RequestContext& context, absl::Time now) const;

 private:
  struct Method {
    const google::protobuf::MethodDescriptor* descriptor;
    metrics::GrpcMethodMetrics::Method* series;
  };

  // Looks `method` up and checks its types; null if they do not match.
  // Otherwise sets the deadline and metadata on `call`, counts the start
  // and returns the method.
  const Method* Prepare(const RequestContext& context, absl::string_view method,
                        const google::protobuf::Descriptor* request_type,
                        const google::protobuf::Descriptor* response_type,
                        grpc::ClientContext* call) const;
  absl::Status MisuseError(absl::string_view method) const;
  // Records the outcome and converts the status (see Call).
  absl::Status Finish(const RequestContext& context, const Method& method,
                      absl::Time start, const grpc::Status& status) const;

  std::shared_ptr<grpc::Channel> channel_;
  const google::protobuf::ServiceDescriptor* service_;
  ClientOptions options_;
  // Written only by the constructor (the metrics object is thread-safe).
  mutable metrics::GrpcMethodMetrics metrics_;
  std::map<std::string, Method, std::less<>> methods_;
  // Transport failures are logged at most once per interval, not per call.
  mutable std::atomic<int64_t> next_failure_log_unix_nanos_{0};
};

}  // namespace qpp::client
