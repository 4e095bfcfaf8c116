#include "services/gateway/src/gateway_server.h"

#include "absl/strings/str_cat.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/server_builder.h"
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
  builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
  builder.SetMaxSendMessageSize(options_.max_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || (!options_.listen_address.empty() && port_ == 0) ||
      (!options_.tls_listen_address.empty() && tls_port_ == 0)) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ",
                                               options_.listen_address, " ",
                                               options_.tls_listen_address));
  }
  SetServing(false);
  prober_ = std::thread([this] { ProbeLoop(); });
  spdlog::info("gRPC listening on {} (port {}){}", options_.listen_address,
               port_,
               tls_port_ != 0 ? absl::StrCat(", mTLS on port ", tls_port_)
                              : std::string());
  return absl::OkStatus();
}

void GatewayServer::SetServing(bool serving) {
  if (auto* health = server_->GetHealthCheckService()) {
    health->SetServingStatus(serving);
  }
  if (serving_.exchange(serving) != serving) {
    spdlog::info("health: {}", serving ? "SERVING" : "NOT_SERVING");
  }
}

void GatewayServer::ProbeLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    const absl::Status s = backends_->ProbeAll(absl::Seconds(1));
    lock.lock();
    if (stopping_) break;
    SetServing(s.ok());
    const absl::Duration period =
        s.ok() ? options_.probe_period : absl::Milliseconds(500);
    cv_.wait_for(lock, absl::ToChronoNanoseconds(period),
                 [this] { return stopping_; });
  }
}

void GatewayServer::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || server_ == nullptr) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (prober_.joinable()) prober_.join();
  SetServing(false);
  if (auto* health = server_->GetHealthCheckService()) health->Shutdown();
  server_->Shutdown(std::chrono::system_clock::now() +
                    absl::ToChronoNanoseconds(options_.drain_timeout));
  server_->Wait();
  spdlog::info("gRPC server stopped");
}

}  // namespace qpp::gateway
