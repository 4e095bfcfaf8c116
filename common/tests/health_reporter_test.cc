// HealthReporter on a real loopback server: readiness ("") follows the
// checks, liveness follows only the process, and Stop() ends both.

#include "common/server/health_reporter.h"

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace qpp::server {
namespace {

namespace health = ::grpc::health::v1;

class HealthReporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::EnableDefaultHealthCheckService(true);
    // The default health service polls no queue of its own; reflection, a
    // synchronous service, gives the server one (as in server.cc).
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(port, 0);
    stub_ = health::Health::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
    reporter_ = std::make_unique<HealthReporter>(
        server_.get(), std::vector<std::string>{"qpp.test.v1.TestService"},
        std::vector<HealthReporter::Check>{[this] {
          return ready_.load() ? absl::OkStatus()
                               : absl::UnavailableError("database down");
        }},
        absl::Milliseconds(20));
  }

  void TearDown() override {
    reporter_.reset();
    server_->Shutdown();
  }

  // The status `name` reports, or -1 when the call fails (e.g. NOT_FOUND
  // for a name nobody registered).
  int StatusOf(const std::string& name) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(5));
    health::HealthCheckRequest request;
    request.set_service(name);
    health::HealthCheckResponse response;
    if (!stub_->Check(&ctx, request, &response).ok()) return -1;
    return response.status();
  }

  // Waits up to 5 s for `name` to report `want`.
  bool Eventually(const std::string& name, int want) {
    const absl::Time end = absl::Now() + absl::Seconds(5);
    while (absl::Now() < end) {
      if (StatusOf(name) == want) return true;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return false;
  }

  std::atomic<bool> ready_{false};
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<health::Health::Stub> stub_;
  std::unique_ptr<HealthReporter> reporter_;
};

TEST_F(HealthReporterTest, LivenessServesWhileReadinessChecksFail) {
  reporter_->Start();
  EXPECT_EQ(StatusOf(kLivenessServiceName),
            health::HealthCheckResponse::SERVING);
  EXPECT_EQ(StatusOf(""), health::HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(StatusOf("qpp.test.v1.TestService"),
            health::HealthCheckResponse::NOT_SERVING);
}

TEST_F(HealthReporterTest, ReadinessFollowsChecksAndLivenessDoesNot) {
  reporter_->Start();
  ready_ = true;
  EXPECT_TRUE(Eventually("", health::HealthCheckResponse::SERVING));
  ready_ = false;
  EXPECT_TRUE(Eventually("", health::HealthCheckResponse::NOT_SERVING));
  EXPECT_EQ(StatusOf(kLivenessServiceName),
            health::HealthCheckResponse::SERVING);
}

TEST_F(HealthReporterTest, LivenessIsUnknownBeforeStart) {
  // Before Start the name is not registered: a probe fails rather than
  // passing for a process that has not started serving.
  EXPECT_EQ(StatusOf(kLivenessServiceName), -1);
}

TEST_F(HealthReporterTest, StopEndsLiveness) {
  reporter_->Start();
  ready_ = true;
  EXPECT_TRUE(Eventually("", health::HealthCheckResponse::SERVING));
  reporter_->Stop();
  EXPECT_EQ(StatusOf(kLivenessServiceName),
            health::HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(StatusOf(""), health::HealthCheckResponse::NOT_SERVING);
}

}  // namespace
}  // namespace qpp::server
