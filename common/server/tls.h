#pragma once

// TLS for qpp's gRPC listeners, and who is calling.
//
// Between the gateway and the services, and between services, every
// connection is mutual TLS under the deployment's private CA; a service
// accepts only the certificate names on its allow list (the registry: the
// gateway, training, demobase and cultivation), refusing anyone else during
// the handshake, before any call is read.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_context.h"

namespace qpp::server {

// TLS settings of a listener; PEM files.
struct TlsOptions {
  // With cert and key the listener uses TLS; empty: plaintext.
  std::string cert_file;
  std::string key_file;
  // With a CA as well, clients must present a certificate it signed (mTLS).
  std::string client_ca_file;
  // Certificate names (subject common name or a DNS subject alternative
  // name) allowed to connect; empty: any certificate the CA signed.
  std::vector<std::string> allowed_peers;
};

// grpc::ServerCredentials for the options: insecure without a certificate;
// TLS; mTLS with the CA; mTLS restricted to `allowed_peers` when given.
// FAILED_PRECONDITION when a file cannot be read.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFor(
    const TlsOptions& options);

// The certificate name of the peer of a call: its subject common name, or
// "" when the connection carries no client certificate (plaintext or TLS
// without mTLS).
std::string PeerIdentityOf(const grpc::ServerContextBase& context);

}  // namespace qpp::server
