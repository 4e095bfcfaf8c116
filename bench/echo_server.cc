#include "bench/echo_server.h"

#include <chrono>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/server_builder.h"
#include "qpp/bench/echo.grpc.pb.h"

ABSL_FLAG(int, serve_echo, 0, "Internal: run only the echo server on PORT.");

namespace qpp::bench {
namespace {

class EchoServiceImpl final : public EchoService::CallbackService {
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx,
                                 const EchoMessage* req,
                                 EchoMessage* resp) override {
    *resp = *req;
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

int ServeEcho(int port) {
  EchoServiceImpl service;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat("127.0.0.1:", port),
                           grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  if (server == nullptr) return 1;
  server->Wait();
  return 0;
}

}  // namespace

std::optional<int> ServeEchoIfAsked() {
  const int port = absl::GetFlag(FLAGS_serve_echo);
  if (port <= 0) return std::nullopt;
  return ServeEcho(port);
}

absl::StatusOr<EchoServer> StartEchoServer(const std::string& self,
                                           const std::string& log_path) {
  const int port = testing::FreePort();
  auto process = testing::ChildProcess::Start(
      self, {absl::StrCat("--serve_echo=", port)}, {}, log_path);
  if (!process.ok()) return process.status();
  EchoServer echo{*std::move(process), WaitForChannel(port)};
  if (echo.channel == nullptr) {
    return absl::UnavailableError("echo server did not start");
  }
  return echo;
}

std::shared_ptr<grpc::Channel> WaitForChannel(int port, int attempts) {
  for (int i = 0; i < attempts; ++i) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto channel =
        grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                  grpc::InsecureChannelCredentials(), args);
    auto stub = grpc::health::v1::Health::NewStub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::milliseconds(200));
    grpc::health::v1::HealthCheckResponse resp;
    grpc::Status s = stub->Check(&ctx, {}, &resp);
    if (s.ok() &&
        resp.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
      return channel;
    }
    // The echo server has no health service: UNIMPLEMENTED means it is up.
    if (s.error_code() == grpc::StatusCode::UNIMPLEMENTED) return channel;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return nullptr;
}

}  // namespace qpp::bench
