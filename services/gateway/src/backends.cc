#include "services/gateway/src/backends.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/client/channel.h"
#include "common/status/status.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "spdlog/spdlog.h"

namespace qpp::gateway {

// A gRPC backend at one address.
class BackendSet::Remote final : public Upstream {
 public:
  Remote(std::string address, std::shared_ptr<grpc::Channel> channel,
         prometheus::Gauge* up)
      : address_(std::move(address)),
        channel_(std::move(channel)),
        stub_(channel_),
        health_(grpc::health::v1::Health::NewStub(channel_)),
        up_gauge_(up) {}

  void CallUnary(const OutboundCall& call, grpc::ClientContext* ctx,
                 const std::string& method, const grpc::ByteBuffer* request,
                 grpc::ByteBuffer* response,
                 std::function<void(grpc::Status)> done) override {
    stub_.UnaryCall(ctx, method, grpc::StubOptions(), request, response,
                    std::move(done));
  }

  grpc::GenericStub* streaming_stub() override { return &stub_; }

  bool Probe(absl::Duration timeout) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     absl::ToChronoMilliseconds(timeout));
    grpc::health::v1::HealthCheckRequest req;
    grpc::health::v1::HealthCheckResponse resp;
    grpc::Status s = health_->Check(&ctx, req, &resp);
    const bool up =
        s.ok() &&
        resp.status() == grpc::health::v1::HealthCheckResponse::SERVING;
    if (up != up_.exchange(up)) {
      spdlog::info("backend {} is {}", address_, up ? "up" : "down");
    }
    for (prometheus::Gauge* g : gauges_) g->Set(up ? 1 : 0);
    return up;
  }

  void AddGauge(prometheus::Gauge* g) { gauges_.push_back(g); }
  bool up() const { return up_.load(); }
  const std::string& address() const { return address_; }
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }

 private:
  std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
  grpc::GenericStub stub_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
  prometheus::Gauge* up_gauge_;
  std::vector<prometheus::Gauge*> gauges_;
  std::atomic<bool> up_{false};
};

absl::StatusOr<std::unique_ptr<BackendSet>> BackendSet::Create(
    absl::string_view spec, const BackendOptions& options,
    GatewayMetrics* metrics) {
  std::unique_ptr<BackendSet> set(new BackendSet());
  std::map<std::string, std::shared_ptr<Remote>> by_address;
  for (absl::string_view entry :
       absl::StrSplit(spec, ',', absl::SkipWhitespace())) {
    entry = absl::StripAsciiWhitespace(entry);
    std::pair<std::string, std::string> kv = absl::StrSplit(entry, '=');
    if (kv.first.empty() || kv.second.empty() ||
        kv.second.find('=') != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "backends: \"", entry, "\" is not <package.Service>=<host:port>"));
    }
    if (set->remotes_.count(kv.first) > 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("backends: ", kv.first, " is listed twice"));
    }
    std::shared_ptr<Remote>& remote = by_address[kv.second];
    if (remote == nullptr) {
      client::ChannelOptions channel_options;
      channel_options.address = kv.second;
      channel_options.max_message_bytes = options.max_message_bytes;
      // Fail fast and come back fast: a dead backend is reported within a
      // second, a revived one is used again within the backoff cap.
      channel_options.max_reconnect_backoff = options.max_reconnect_backoff;
      channel_options.tls_ca_file = options.tls_ca_file;
      channel_options.tls_cert_file = options.tls_cert_file;
      channel_options.tls_key_file = options.tls_key_file;
      QPP_ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel,
                           client::MakeChannel(channel_options));
      remote = std::make_shared<Remote>(kv.second, channel, nullptr);
    }
    if (metrics != nullptr) {
      remote->AddGauge(&metrics->backend_up.Add(
          {{"grpc_service", kv.first}, {"address", kv.second}}));
    }
    set->remotes_.emplace(kv.first, remote);
  }
  return set;
}

absl::Status BackendSet::AddLocal(const std::string& service,
                                  Upstream* upstream) {
  if (remotes_.erase(service) > 0) {
    // The gateway answers its own services; a route would only loop.
    spdlog::warn("ignoring the configured backend of {}: the gateway serves it",
                 service);
  }
  locals_[service] = upstream;
  return absl::OkStatus();
}

Upstream* BackendSet::Find(absl::string_view service) const {
  if (auto it = remotes_.find(service); it != remotes_.end()) {
    return it->second.get();
  }
  if (auto it = locals_.find(service); it != locals_.end()) return it->second;
  return nullptr;
}

std::shared_ptr<grpc::Channel> BackendSet::ChannelFor(
    absl::string_view service) const {
  auto it = remotes_.find(service);
  return it == remotes_.end() ? nullptr : it->second->channel();
}

std::vector<std::string> BackendSet::RemoteServices() const {
  std::vector<std::string> out;
  for (const auto& [name, remote] : remotes_) out.push_back(name);
  return out;
}

absl::Status BackendSet::ProbeAll(absl::Duration timeout) {
  if (remotes_.empty()) return absl::OkStatus();
  std::map<Remote*, bool> probed;
  bool any = false;
  for (const auto& [name, remote] : remotes_) {
    auto [it, inserted] = probed.emplace(remote.get(), false);
    if (inserted) it->second = remote->Probe(timeout);
    any = any || it->second;
  }
  return any ? absl::OkStatus()
             : absl::UnavailableError("no backend is reachable");
}

bool BackendSet::IsUp(absl::string_view service) const {
  auto it = remotes_.find(service);
  return it != remotes_.end() && it->second->up();
}

}  // namespace qpp::gateway
