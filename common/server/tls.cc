#include "common/server/tls.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/config/config.h"
#include "grpc/grpc_security_constants.h"
#include "grpcpp/security/auth_context.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_certificate_verifier.h"
#include "grpcpp/security/tls_credentials_options.h"
#include "spdlog/spdlog.h"

namespace qpp::server {
namespace {

// Accepts a peer whose certificate (already verified against the CA by
// gRPC) names an allowed peer in its common name or a DNS SAN.
class AllowListVerifier final
    : public grpc::experimental::ExternalCertificateVerifier {
 public:
  explicit AllowListVerifier(std::vector<std::string> allowed)
      : allowed_(std::move(allowed)) {}

  bool Verify(grpc::experimental::TlsCustomVerificationCheckRequest* request,
              std::function<void(grpc::Status)> callback,
              grpc::Status* sync_status) override {
    std::vector<std::string> names = {std::string(
        request->common_name().data(), request->common_name().size())};
    for (const grpc::string_ref& dns : request->dns_names()) {
      names.emplace_back(dns.data(), dns.size());
    }
    for (const std::string& name : names) {
      if (std::find(allowed_.begin(), allowed_.end(), name) != allowed_.end()) {
        *sync_status = grpc::Status::OK;
        return true;
      }
    }
    spdlog::warn("refused a TLS peer not on the allow list: {}",
                 absl::StrJoin(names, ", "));
    *sync_status = grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                                "this caller may not call this service");
    return true;
  }

  void Cancel(grpc::experimental::TlsCustomVerificationCheckRequest*) override {
  }

 private:
  const std::vector<std::string> allowed_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFor(
    const TlsOptions& options) {
  if (options.cert_file.empty() && options.key_file.empty()) {
    return grpc::InsecureServerCredentials();
  }
  auto cert = config::ReadFile(options.cert_file);
  if (!cert.ok()) return cert.status();
  auto key = config::ReadFile(options.key_file);
  if (!key.ok()) return key.status();
  std::string ca;
  if (!options.client_ca_file.empty()) {
    auto read = config::ReadFile(options.client_ca_file);
    if (!read.ok()) return read.status();
    ca = *std::move(read);
  }
  if (ca.empty() || options.allowed_peers.empty()) {
    grpc::SslServerCredentialsOptions ssl(
        ca.empty()
            ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
            : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    ssl.pem_key_cert_pairs.push_back({*key, *cert});
    ssl.pem_root_certs = ca;
    return grpc::SslServerCredentials(ssl);
  }
  auto provider =
      std::make_shared<grpc::experimental::StaticDataCertificateProvider>(
          ca,
          std::vector<grpc::experimental::IdentityKeyCertPair>{{*key, *cert}});
  grpc::experimental::TlsServerCredentialsOptions tls(provider);
  tls.watch_root_certs();
  tls.watch_identity_key_cert_pairs();
  tls.set_cert_request_type(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  tls.set_certificate_verifier(
      grpc::experimental::ExternalCertificateVerifier::Create<
          AllowListVerifier>(options.allowed_peers));
  return grpc::experimental::TlsServerCredentials(tls);
}

std::string PeerIdentityOf(const grpc::ServerContextBase& context) {
  const std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) return "";
  for (const grpc::string_ref& cn :
       auth->FindPropertyValues(GRPC_X509_CN_PROPERTY_NAME)) {
    return std::string(cn.data(), cn.size());
  }
  return "";
}

}  // namespace qpp::server
