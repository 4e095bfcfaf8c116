#include "common/server/server.h"

#include <signal.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "common/status/grpc_status.h"
#include "common/status/status.h"
#include "google/protobuf/descriptor.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "spdlog/spdlog.h"

namespace qpp::server {
namespace {

sigset_t TerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

// gRPC 1.51 answers a request it cannot parse (e.g. a proto3 string holding
// invalid UTF-8) with UNIMPLEMENTED and no message, before any handler runs.
// For methods this server implements that status can only mean a parse
// failure, so it is turned into the INVALID_ARGUMENT the caller needs.
class ParseErrorInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit ParseErrorInterceptor(bool known) : known_(known) {}
  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (known_ &&
        methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status sent = methods->GetSendStatus();
      if (sent.error_code() == grpc::StatusCode::UNIMPLEMENTED &&
          sent.error_message().empty()) {
        methods->ModifySendStatus(status::ToGrpcStatus(status::WithReason(
            absl::StatusCode::kInvalidArgument, "MALFORMED_REQUEST",
            "the request message could not be parsed; text fields must be "
            "valid UTF-8")));
      }
    }
    methods->Proceed();
  }

 private:
  const bool known_;
};

// Whether "/pkg.Service/Method" is a method of a compiled-in service.
bool MethodExists(absl::string_view path) {
  std::string full_name(absl::StripPrefix(path, "/"));
  const size_t slash = full_name.rfind('/');
  if (slash == std::string::npos) return false;
  full_name[slash] = '.';
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
             full_name) != nullptr;
}

class ParseErrorInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit ParseErrorInterceptorFactory(std::vector<std::string> prefixes)
      : prefixes_(std::move(prefixes)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    const absl::string_view method = info->method();
    bool known = false;
    for (const auto& p : prefixes_) known |= absl::StartsWith(method, p);
    // A method the service does not have keeps gRPC's UNIMPLEMENTED.
    known = known && MethodExists(method);
    return new ParseErrorInterceptor(known);
  }

 private:
  std::vector<std::string> prefixes_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
ParseErrorInterceptorFor(const std::vector<std::string>& service_names) {
  std::vector<std::string> prefixes;
  for (const auto& name : service_names) {
    prefixes.push_back(absl::StrCat("/", name, "/"));
  }
  return std::make_unique<ParseErrorInterceptorFactory>(std::move(prefixes));
}

void BlockTerminationSignals() {
  sigset_t set = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void PrepareProcess() {
  BlockTerminationSignals();
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

int WaitForTerminationSignal() {
  sigset_t set = TerminationSignals();
  int signal = 0;
  sigwait(&set, &signal);
  return signal;
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFor(
    const ServerOptions& options) {
  TlsOptions tls;
  tls.cert_file = options.tls_cert_file;
  tls.key_file = options.tls_key_file;
  tls.client_ca_file = options.tls_client_ca_file;
  tls.allowed_peers = options.allowed_peers;
  return ServerCredentialsFor(tls);
}

void ApplyServerDefaults(grpc::ServerBuilder& builder, int max_message_bytes) {
  // The health and reflection services are synchronous; their pollers wake
  // at this period, which bounds how fast they start answering and stop.
  builder.SetSyncServerOption(
      grpc::ServerBuilder::SyncServerOption::CQ_TIMEOUT_MSEC, 100);
  builder.SetMaxReceiveMessageSize(max_message_bytes);
  builder.SetMaxSendMessageSize(max_message_bytes);
  // Keepalive: detect dead peers and let clients ping through idle periods.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
}

Server::Server(ServerOptions options, prometheus::Registry& registry)
    : options_(std::move(options)), grpc_metrics_(registry) {}

Server::~Server() { Shutdown(); }

void Server::AddService(grpc::Service* service, absl::string_view full_name) {
  services_.emplace_back(service, std::string(full_name));
  const auto* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          std::string(full_name));
  if (descriptor != nullptr) grpc_metrics_.AddService(descriptor);
}

void Server::AddReadinessCheck(std::function<absl::Status()> check) {
  checks_.push_back(std::move(check));
}

absl::Status Server::Start() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  // Reflection lists the health service; naming its descriptor links
  // health.proto into the binary, so that reflection can also describe it.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  auto creds = ServerCredentialsFor(options_);
  if (!creds.ok()) return creds.status();

  grpc::ServerBuilder builder;
  builder.AddListeningPort(options_.listen_address, *creds, &port_);
  for (auto& [service, name] : services_) builder.RegisterService(service);
  ApplyServerDefaults(builder, options_.max_message_bytes);
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  std::vector<std::string> names;
  for (auto& [service, name] : services_) names.push_back(name);
  // Order matters: the status is corrected before metrics record it.
  interceptors.push_back(ParseErrorInterceptorFor(names));
  interceptors.push_back(grpc_metrics_.InterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));

  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options_.listen_address));
  }
  std::vector<std::string> health_names;
  for (auto& [service, name] : services_) health_names.push_back(name);
  health_ =
      std::make_unique<HealthReporter>(server_.get(), std::move(health_names),
                                       checks_, options_.readiness_period);
  if (!options_.health_listen_address.empty()) {
    // No services of its own: only the default health service, whose status
    // the reporter keeps equal to the main listener's.
    grpc::ServerBuilder health_builder;
    int health_port = 0;
    health_builder.AddListeningPort(options_.health_listen_address,
                                    grpc::InsecureServerCredentials(),
                                    &health_port);
    ApplyServerDefaults(health_builder, 4096);
    health_server_ = health_builder.BuildAndStart();
    if (health_server_ == nullptr || health_port == 0) {
      return absl::UnavailableError(absl::StrCat(
          "cannot listen on ", options_.health_listen_address, " (health)"));
    }
    health_->AddServer(health_server_.get());
    spdlog::info("health only, plaintext, on {}",
                 options_.health_listen_address);
  }
  health_->Start();
  spdlog::info("listening on {} (port {})", options_.listen_address, port_);
  return absl::OkStatus();
}

void Server::Shutdown() {
  if (server_ == nullptr || stopped_) return;
  stopped_ = true;
  DrainAndStop(*server_, *health_, options_.drain_timeout);
  if (health_server_ != nullptr) {
    health_server_->Shutdown(std::chrono::system_clock::now());
    health_server_->Wait();
  }
}

}  // namespace qpp::server
