#include "services/gateway/src/reflection.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/ext/health_check_service_server_builder_option.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/impl/rpc_service_method.h"
#include "grpcpp/server_builder.h"
#include "spdlog/spdlog.h"

namespace qpp::gateway {
namespace {

constexpr char kReflectionPlugin[] = "proto_server_reflection";

// A service that only names its methods, so that the reflection service of
// its server lists it (the list is the server's registered services). No
// call ever reaches it: the gateway routes only reflection to that server.
class ListedService final : public grpc::Service {
 public:
  explicit ListedService(const google::protobuf::ServiceDescriptor* service) {
    names_.reserve(service->method_count());
    for (int i = 0; i < service->method_count(); ++i) {
      names_.push_back(absl::StrCat("/", service->full_name(), "/",
                                    service->method(i)->name()));
    }
    // The names outlive the methods, which keep pointers to them.
    for (const std::string& name : names_) {
      AddMethod(new grpc::internal::RpcServiceMethod(
          name.c_str(), grpc::internal::RpcMethod::NORMAL_RPC, nullptr));
    }
  }

 private:
  std::vector<std::string> names_;
};

// Adds the reflection plugin (or removes it, with `wanted` false).
class ReflectionOption final : public grpc::ServerBuilderOption {
 public:
  explicit ReflectionOption(bool wanted) : wanted_(wanted) {}
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>*
                         plugins) override {
    auto is_reflection =
        [](const std::unique_ptr<grpc::ServerBuilderPlugin>& p) {
          return p->name() == kReflectionPlugin;
        };
    plugins->erase(
        std::remove_if(plugins->begin(), plugins->end(), is_reflection),
        plugins->end());
    if (wanted_) {
      plugins->push_back(
          std::make_unique<grpc::reflection::ProtoServerReflectionPlugin>());
    }
  }

 private:
  bool wanted_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ReflectionUpstream>> ReflectionUpstream::Start(
    const std::vector<const google::protobuf::ServiceDescriptor*>& services) {
  std::unique_ptr<ReflectionUpstream> up(new ReflectionUpstream());
  std::vector<const google::protobuf::ServiceDescriptor*> listed = services;
  listed.push_back(
      grpc::health::v1::HealthCheckRequest::descriptor()->file()->service(0));
  grpc::ServerBuilder builder;
  for (const auto* service : listed) {
    up->listed_.push_back(std::make_unique<ListedService>(service));
    builder.RegisterService(up->listed_.back().get());
  }
  builder.SetOption(std::make_unique<ReflectionOption>(true));
  // Health is listed above; gRPC's default health service, if enabled for
  // the process, must not be registered a second time here.
  builder.SetOption(
      std::make_unique<grpc::HealthCheckServiceServerBuilderOption>(nullptr));
  up->server_ = builder.BuildAndStart();
  if (up->server_ == nullptr) {
    return absl::InternalError("cannot start the reflection server");
  }
  up->stub_ = std::make_unique<grpc::GenericStub>(
      up->server_->InProcessChannel(grpc::ChannelArguments()));
  spdlog::info("reflection describes {} services", listed.size() + 1);
  return up;
}

ReflectionUpstream::~ReflectionUpstream() {
  if (server_ != nullptr) server_->Shutdown();
}

void ReflectionUpstream::CallUnary(const OutboundCall&, grpc::ClientContext*,
                                   const std::string& method,
                                   const grpc::ByteBuffer*, grpc::ByteBuffer*,
                                   std::function<void(grpc::Status)> done) {
  done(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                    absl::StrCat(method, " is not a unary method")));
}

std::unique_ptr<grpc::ServerBuilderOption> WithoutReflection() {
  return std::make_unique<ReflectionOption>(false);
}

}  // namespace qpp::gateway
