#include "services/gateway/src/gateway_server.h"

#include "absl/strings/str_cat.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/server_builder.h"
#include "services/gateway/src/reflection.h"
#include "spdlog/spdlog.h"

namespace qpp::gateway {

GatewayServer::GatewayServer(GatewayServerOptions options, GrpcProxy* proxy,
                             BackendSet* backends)
    : options_(std::move(options)), proxy_(proxy), backends_(backends) {}

GatewayServer::~GatewayServer() { Shutdown(); }

absl::Status GatewayServer::Start() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  if (!options_.listen_address.empty()) {
    builder.AddListeningPort(options_.listen_address,
                             grpc::InsecureServerCredentials(), &port_);
  }
  if (!options_.tls_listen_address.empty()) {
    if (options_.tls.tls_cert_file.empty() ||
        options_.tls.tls_key_file.empty() ||
        options_.tls.tls_client_ca_file.empty()) {
      return absl::FailedPreconditionError(
          "the TLS listener needs a certificate, a key and a client CA");
    }
    auto creds = server::ServerCredentialsFor(options_.tls);
    if (!creds.ok()) return creds.status();
    builder.AddListeningPort(options_.tls_listen_address, *creds, &tls_port_);
  }
  builder.RegisterCallbackGenericService(proxy_);
  // Reflection is served behind admission (reflection.h), never here.
  builder.SetOption(WithoutReflection());
  server::ApplyServerDefaults(builder, options_.max_message_bytes);
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || (!options_.listen_address.empty() && port_ == 0) ||
      (!options_.tls_listen_address.empty() && tls_port_ == 0)) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ",
                                               options_.listen_address, " ",
                                               options_.tls_listen_address));
  }
  // Ready while at least one backend answers its health check.
  health_ = std::make_unique<server::HealthReporter>(
      server_.get(), std::vector<std::string>(),
      std::vector<server::HealthReporter::Check>{
          [this] { return backends_->ProbeAll(absl::Seconds(1)); }},
      options_.probe_period);
  health_->Start();
  spdlog::info("gRPC listening on {} (port {}){}", options_.listen_address,
               port_,
               tls_port_ != 0 ? absl::StrCat(", mTLS on port ", tls_port_)
                              : std::string());
  return absl::OkStatus();
}

bool GatewayServer::serving() const {
  return health_ != nullptr && health_->serving();
}

void GatewayServer::BeginDrain() {
  if (health_ != nullptr) health_->Stop();
}

void GatewayServer::Shutdown() {
  if (server_ == nullptr || stopped_) return;
  stopped_ = true;
  server::DrainAndStop(*server_, *health_, options_.drain_timeout);
}

}  // namespace qpp::gateway
