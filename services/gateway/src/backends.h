#pragma once

// Upstreams: where the gateway sends a call. Remote backends are gRPC
// servers reached over long-lived channels; local upstreams (the progress
// service) answer inside the gateway. Both take raw request bytes, so the
// gateway forwards without decoding payloads.

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "prometheus/gauge.h"
#include "services/gateway/src/gateway_metrics.h"

namespace qpp::gateway {

// Who is calling and until when, for upstreams that make their own calls.
struct OutboundCall {
  std::string principal;
  std::string request_id;
  std::chrono::system_clock::time_point deadline;
};

// Something that answers calls for one or more services.
class Upstream {
 public:
  virtual ~Upstream() = default;

  // Starts a unary call of `method` ("/pkg.Service/Method") with `ctx`
  // already carrying the deadline and metadata. `done` runs once, on any
  // thread, with the final status; on OK `response` holds the answer.
  // `request` and `response` must stay valid until then.
  virtual void CallUnary(const OutboundCall& call, grpc::ClientContext* ctx,
                         const std::string& method,
                         const grpc::ByteBuffer* request,
                         grpc::ByteBuffer* response,
                         std::function<void(grpc::Status)> done) = 0;

  // The stub for streaming calls, or null if the upstream serves unary
  // methods only.
  virtual grpc::GenericStub* streaming_stub() = 0;
};

// Channel settings for every backend.
struct BackendOptions {
  int max_message_bytes = 4 * 1024 * 1024;
  // Upper bound of the reconnect backoff, so that a backend that comes back
  // is used again within about this time.
  absl::Duration max_reconnect_backoff = absl::Seconds(2);
  // mTLS to the backends (PEM files): the CA that signed their certificates
  // and the gateway's own certificate and key. Empty CA: plaintext.
  std::string tls_ca_file;
  std::string tls_cert_file;
  std::string tls_key_file;
};

// The configured backends: one long-lived channel per address, shared by
// the services served there.
class BackendSet final {
 public:
  // Parses "pkg.Service=host:port,pkg.Other=host:port" and creates the
  // channels (connections are made lazily). INVALID_ARGUMENT for a
  // malformed entry or a service listed twice.
  static absl::StatusOr<std::unique_ptr<BackendSet>> Create(
      absl::string_view spec, const BackendOptions& options,
      GatewayMetrics* metrics);

  // Adds an in-process upstream for `service` (not owned), replacing a
  // configured backend of the same service (with a warning). Call before
  // serving.
  absl::Status AddLocal(const std::string& service, Upstream* upstream);

  // The upstream of a fully-qualified service name, or null.
  Upstream* Find(absl::string_view service) const;

  // The channel of a remote backend's service, or null.
  std::shared_ptr<grpc::Channel> ChannelFor(absl::string_view service) const;

  // Fully-qualified names of the remote backends' services.
  std::vector<std::string> RemoteServices() const;

  // Asks every remote backend's grpc.health.v1 service, with `timeout`
  // each, and sets qpp_gateway_backend_up. OK if at least one answers
  // SERVING (or there are no remote backends); UNAVAILABLE otherwise.
  absl::Status ProbeAll(absl::Duration timeout);

  // Whether the service's backend answered SERVING at the last probe.
  bool IsUp(absl::string_view service) const;

  class Remote;

 private:
  BackendSet() = default;
  std::map<std::string, std::shared_ptr<Remote>, std::less<>> remotes_;
  std::map<std::string, Upstream*, std::less<>> locals_;
};

}  // namespace qpp::gateway
