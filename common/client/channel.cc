#include "common/client/channel.h"

#include <climits>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "common/config/config.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace qpp::client {
namespace {

// A PEM file; an empty one is as unusable as a missing one.
absl::StatusOr<std::string> ReadPem(const std::string& path) {
  auto text = config::ReadFile(path);
  if (text.ok() && text->empty()) {
    return absl::FailedPreconditionError(absl::StrCat(path, " is empty"));
  }
  return text;
}

int Millis(absl::Duration d) {
  const int64_t ms = absl::ToInt64Milliseconds(d);
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> CredentialsFor(
    const ChannelOptions& options) {
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "a client certificate and its key go together: set both or neither");
  }
  if (options.tls_ca_file.empty()) {
    if (!options.tls_cert_file.empty() ||
        !options.tls_target_name_override.empty()) {
      return absl::InvalidArgumentError(
          "a client certificate or a TLS target name needs a CA file");
    }
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions ssl;
  auto ca = ReadPem(options.tls_ca_file);
  if (!ca.ok()) return ca.status();
  ssl.pem_root_certs = *std::move(ca);
  if (!options.tls_cert_file.empty()) {
    auto cert = ReadPem(options.tls_cert_file);
    if (!cert.ok()) return cert.status();
    auto key = ReadPem(options.tls_key_file);
    if (!key.ok()) return key.status();
    ssl.pem_cert_chain = *std::move(cert);
    ssl.pem_private_key = *std::move(key);
  }
  return grpc::SslCredentials(ssl);
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(
    const ChannelOptions& options) {
  if (options.address.empty()) {
    return absl::InvalidArgumentError("a channel needs an address");
  }
  auto credentials = CredentialsFor(options);
  if (!credentials.ok()) return credentials.status();

  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(options.max_message_bytes);
  args.SetMaxSendMessageSize(options.max_message_bytes);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, Millis(options.keepalive_time));
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, Millis(options.keepalive_timeout));
  // Ping idle connections too: calls between services come in bursts, and
  // the first call after a quiet spell should not find a dead connection.
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS,
              Millis(options.initial_reconnect_backoff));
  // Despite its name, gRPC reads this as the minimum time a connection
  // attempt is given before it is abandoned.
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS,
              Millis(options.connect_timeout));
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS,
              Millis(options.max_reconnect_backoff));
  // Keep the connection instead of closing it after gRPC's default 30
  // minutes of idleness; keepalive already watches it.
  args.SetInt(GRPC_ARG_CLIENT_IDLE_TIMEOUT_MS, INT_MAX);
  if (!options.tls_target_name_override.empty()) {
    args.SetSslTargetNameOverride(options.tls_target_name_override);
  }
  return grpc::CreateCustomChannel(options.address, *credentials, args);
}

}  // namespace qpp::client
