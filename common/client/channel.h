#pragma once

// Channels from one qpp service to another: plaintext, TLS or mTLS, with
// keepalive and reconnect settings for long-lived connections on a LAN.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"

namespace qpp::client {

// Where and how to connect. Typically filled from a service's flags, e.g.
// --registry_address and --registry_tls_ca_file.
struct ChannelOptions {
  // A gRPC target: "host:port", "dns:///registry.qpp:9100", ...
  std::string address;

  // TLS is used when `tls_ca_file` is set: PEM roots the callee's
  // certificate must chain to.
  std::string tls_ca_file;
  // mTLS: this service's certificate chain and private key (PEM), sent when
  // the callee asks for one. Both or neither; they require `tls_ca_file`.
  std::string tls_cert_file;
  std::string tls_key_file;
  // The name the callee's certificate must carry when it differs from the
  // host in `address` (e.g. connecting by IP address); empty: the host.
  std::string tls_target_name_override;

  // Largest request or response message, as on the servers.
  int max_message_bytes = 16 * 1024 * 1024;
  // An idle connection is pinged this often, and dropped when a ping is not
  // answered within the timeout, so a callee that vanished without closing
  // its connections (a node lost, a network partition) is noticed within
  // about their sum instead of at the next call's deadline. The servers
  // accept pings every 10 s (common/server), so keep `keepalive_time` above
  // that.
  absl::Duration keepalive_time = absl::Seconds(30);
  absl::Duration keepalive_timeout = absl::Seconds(10);
  // A connection attempt that has not succeeded after this long is given
  // up, so calls to a callee that does not answer at all (a host that is
  // gone) fail UNAVAILABLE instead of waiting for their deadline. Generous
  // for a LAN, where connecting with TLS takes milliseconds.
  absl::Duration connect_timeout = absl::Seconds(1);
  // Backoff between connection attempts: starts at the initial value and
  // grows up to the maximum, so a callee that restarts is used again within
  // about `max_reconnect_backoff` and a dead one is not hammered.
  absl::Duration initial_reconnect_backoff = absl::Milliseconds(250);
  absl::Duration max_reconnect_backoff = absl::Seconds(2);
};

// Creates a channel; it connects lazily, on the first call. Errors:
// INVALID_ARGUMENT for an empty address, a certificate without its key (or
// the reverse), or a certificate or target name override without a CA;
// FAILED_PRECONDITION when a PEM file cannot be read.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(
    const ChannelOptions& options);

}  // namespace qpp::client
