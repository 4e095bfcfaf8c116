// ServiceClient against an in-process fake callee on a real loopback
// channel: deadlines, metadata, status conversion and metrics.

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/client/channel.h"
#include "common/client/service_client.h"
#include "common/context/grpc_request_context.h"
#include "common/status/status.h"
#include "common/testing/process.h"
#include "common/tests/client_test_util.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"

namespace qpp::client {
namespace {

namespace health = ::grpc::health::v1;
using ::qpp::client::testing::FakeServer;
using ::qpp::client::testing::SeriesValue;

constexpr char kService[] = "grpc.health.v1.Health";

// The server may see the deadline a little earlier than the client set it
// (the timeout travels relative to the moment of sending), never later
// than gRPC's rounding up of the timeout.
constexpr absl::Duration kSlack = absl::Milliseconds(500);
constexpr absl::Duration kRounding = absl::Milliseconds(50);

ChannelOptions Plaintext(std::string address) {
  ChannelOptions options;
  options.address = std::move(address);
  return options;
}

class ServiceClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(server_.port(), 0);
    Connect(server_.address());
  }

  void Connect(const std::string& address) {
    auto channel = MakeChannel(Plaintext(address));
    ASSERT_TRUE(channel.ok()) << channel.status();
    client_ = std::make_unique<ServiceClient>(
        *channel, DescriptorOf<health::Health>(), options_, registry_);
    stub_ = health::Health::NewStub(client_->channel());
  }

  absl::Status Check(const RequestContext& context, const std::string& what,
                     health::HealthCheckResponse* response = nullptr) {
    health::HealthCheckRequest request;
    request.set_service(what);
    health::HealthCheckResponse ignored;
    return client_->Call(context, "Check", stub_.get(),
                         &health::Health::Stub::Check, request,
                         response != nullptr ? response : &ignored);
  }

  double Handled(const std::string& code) {
    return SeriesValue(registry_, "grpc_client_handled_total",
                       {{"grpc_service", kService},
                        {"grpc_method", "Check"},
                        {"grpc_code", code}});
  }
  double Started() {
    return SeriesValue(registry_, "grpc_client_started_total",
                       {{"grpc_service", kService}, {"grpc_method", "Check"}});
  }

  ClientOptions options_ = [] {
    ClientOptions options;
    options.display_name = "registry";
    options.default_deadline = absl::Seconds(4);
    options.max_deadline = absl::Seconds(8);
    return options;
  }();
  prometheus::Registry registry_;
  FakeServer server_;
  std::unique_ptr<ServiceClient> client_;
  std::unique_ptr<health::Health::Stub> stub_;
};

TEST_F(ServiceClientTest, PassesTheRequestIdAndThePrincipalOn) {
  RequestContext context;
  context.set_timeout(absl::Seconds(5)).set_request_id("req-42.a:b_c");
  context.mutable_principal().name = "cert:gateway.qpp";
  context.mutable_principal().role = "district-office";
  health::HealthCheckResponse response;
  ASSERT_TRUE(Check(context, "ok", &response).ok());
  EXPECT_EQ(response.status(), health::HealthCheckResponse::SERVING);
  const RequestContext seen = server_.service().last();
  EXPECT_EQ(seen.request_id(), "req-42.a:b_c");
  EXPECT_EQ(seen.principal().name, "cert:gateway.qpp");
  // Attributes are the callee's to derive, never taken from the caller.
  EXPECT_EQ(seen.principal().role, "");
}

TEST_F(ServiceClientTest, SendsNoRequestIdOrPrincipalWhenTheCallerHasNone) {
  ASSERT_TRUE(Check(RequestContext(), "ok").ok());
  const RequestContext seen = server_.service().last();
  EXPECT_EQ(seen.request_id(), "");
  EXPECT_TRUE(seen.principal().empty());
}

TEST_F(ServiceClientTest, CapsTheCallersDeadline) {
  const absl::Time start = absl::Now();
  ASSERT_TRUE(
      Check(RequestContext().set_deadline(start + absl::Minutes(5)), "ok")
          .ok());
  const absl::Time seen = server_.service().last().deadline();
  EXPECT_GE(seen, start + options_.max_deadline - kSlack);
  EXPECT_LE(seen, absl::Now() + options_.max_deadline + kRounding);
}

TEST_F(ServiceClientTest, PassesAnEarlierCallerDeadlineOn) {
  const absl::Time deadline = absl::Now() + absl::Seconds(3);
  ASSERT_TRUE(Check(RequestContext().set_deadline(deadline), "ok").ok());
  const absl::Time seen = server_.service().last().deadline();
  EXPECT_GE(seen, deadline - kSlack);
  EXPECT_LE(seen, deadline + kRounding);
}

TEST_F(ServiceClientTest, GivesADefaultDeadlineWhenTheCallerHasNone) {
  const absl::Time start = absl::Now();
  ASSERT_TRUE(Check(RequestContext(), "ok").ok());
  const absl::Time seen = server_.service().last().deadline();
  EXPECT_GE(seen, start + options_.default_deadline - kSlack);
  EXPECT_LE(seen, absl::Now() + options_.default_deadline + kRounding);
}

TEST_F(ServiceClientTest, CapsTheDefaultDeadlineToo) {
  options_.default_deadline = absl::Minutes(1);
  Connect(server_.address());
  const absl::Time now = absl::Now();
  EXPECT_EQ(client_->DeadlineFor(RequestContext(), now),
            now + options_.max_deadline);
  EXPECT_EQ(client_->DeadlineFor(
                RequestContext().set_deadline(now + absl::Seconds(1)), now),
            now + absl::Seconds(1));
}

TEST_F(ServiceClientTest, KeepsTheCalleesCodeMessageAndDetails) {
  const absl::Status not_found = Check(RequestContext(), "not-found");
  EXPECT_EQ(not_found.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(not_found.message(),
            "organizations/914403001922038216 does not exist");
  EXPECT_EQ(status::ReasonOf(not_found), "ORGANIZATION_NOT_FOUND");

  const absl::Status bad = Check(RequestContext(), "bad");
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status::ReasonOf(bad), "INVALID_FIELD");
  const auto violations = status::FieldViolationsOf(bad);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "uscc");
  EXPECT_EQ(violations[0].description, "must be 18 characters");
}

TEST_F(ServiceClientTest, UnavailableFromTheCalleeNamesTheServiceKeepsDetails) {
  const absl::Status s = Check(RequestContext(), "overloaded");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "registry is unavailable; try again later");
  EXPECT_EQ(status::ReasonOf(s), "SERVER_OVERLOADED");
}

TEST_F(ServiceClientTest, ACallTheCalleeDroppedIsUnavailable) {
  const absl::Status s = Check(RequestContext(), "dropped");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "registry is unavailable; try again later");
  EXPECT_EQ(Handled("CANCELLED"), 1);
}

TEST_F(ServiceClientTest, UnreachableCalleeIsUnavailableByNameNotAddress) {
  const int port = qpp::testing::FreePort();  // nothing listens there
  Connect(absl::StrCat("127.0.0.1:", port));
  const absl::Time start = absl::Now();
  const absl::Status s =
      Check(RequestContext().set_timeout(absl::Seconds(5)), "ok");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_EQ(s.message(), "registry is unavailable; try again later");
  EXPECT_EQ(std::string(s.message()).find(absl::StrCat(port)),
            std::string::npos);
  // Fails fast instead of waiting for the deadline.
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  EXPECT_EQ(Handled("UNAVAILABLE"), 1);
}

TEST_F(ServiceClientTest, DeadlineExceededNamesTheService) {
  const absl::Time start = absl::Now();
  const absl::Status s =
      Check(RequestContext().set_timeout(absl::Milliseconds(300)), "sleep");
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;
  EXPECT_EQ(s.message(), "registry did not answer in time");
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  EXPECT_EQ(Handled("DEADLINE_EXCEEDED"), 1);
}

TEST_F(ServiceClientTest, AnExpiredCallerDeadlineFailsAtOnce) {
  const absl::Status s = Check(
      RequestContext().set_deadline(absl::Now() - absl::Seconds(1)), "ok");
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(s.message(), "registry did not answer in time");
}

TEST_F(ServiceClientTest, CountsCallsPerMethodAndCodeFromZero) {
  // Every method of the callee is there before the first call.
  EXPECT_EQ(Started(), 0);
  EXPECT_EQ(Handled("OK"), 0);
  EXPECT_EQ(SeriesValue(registry_, "grpc_client_handling_seconds",
                        {{"grpc_service", kService}, {"grpc_method", "Check"}}),
            0);
  EXPECT_EQ(SeriesValue(registry_, "grpc_client_started_total",
                        {{"grpc_service", kService}, {"grpc_method", "Watch"}}),
            0);

  ASSERT_TRUE(Check(RequestContext(), "ok").ok());
  ASSERT_TRUE(Check(RequestContext(), "ok").ok());
  ASSERT_FALSE(Check(RequestContext(), "not-found").ok());
  EXPECT_EQ(Started(), 3);
  EXPECT_EQ(Handled("OK"), 2);
  EXPECT_EQ(Handled("NOT_FOUND"), 1);
  EXPECT_EQ(SeriesValue(registry_, "grpc_client_handling_seconds",
                        {{"grpc_service", kService}, {"grpc_method", "Check"}}),
            3);
  // The server's own series are another family.
  EXPECT_EQ(SeriesValue(registry_, "grpc_server_handled_total", {}), -1);
}

TEST_F(ServiceClientTest, TwoClientsShareOneRegistry) {
  auto channel = MakeChannel(Plaintext(server_.address()));
  ASSERT_TRUE(channel.ok());
  ClientOptions options;
  options.display_name = "training";
  ServiceClient second(*channel, DescriptorOf<health::Health>(), options,
                       registry_);
  ASSERT_TRUE(Check(RequestContext(), "ok").ok());
  EXPECT_EQ(Handled("OK"), 1);
}

TEST_F(ServiceClientTest, RefusesAMethodItCannotCallWithoutSending) {
  health::HealthCheckRequest request;
  health::HealthCheckResponse response;
  bool sent = false;
  auto rpc = [&sent](grpc::ClientContext*, const auto&, auto*) {
    sent = true;
    return grpc::Status::OK;
  };
  // Streaming, unknown, and with the wrong response type.
  EXPECT_EQ(
      client_->Call(RequestContext(), "Watch", request, &response, rpc).code(),
      absl::StatusCode::kInternal);
  EXPECT_EQ(
      client_->Call(RequestContext(), "Chek", request, &response, rpc).code(),
      absl::StatusCode::kInternal);
  health::HealthCheckRequest wrong;
  EXPECT_EQ(
      client_->Call(RequestContext(), "Check", request, &wrong, rpc).code(),
      absl::StatusCode::kInternal);
  EXPECT_FALSE(sent);
  EXPECT_EQ(Started(), 0);
}

// RequestContextFromServer on calls made without ServiceClient.
class RequestContextFromServerTest : public ::testing::Test {
 protected:
  RequestContext Seen(grpc::ClientContext& call) {
    auto stub = health::Health::NewStub(grpc::CreateChannel(
        server_.address(), grpc::InsecureChannelCredentials()));
    health::HealthCheckRequest request;
    health::HealthCheckResponse response;
    EXPECT_TRUE(stub->Check(&call, request, &response).ok());
    return server_.service().last();
  }

  FakeServer server_;
};

TEST_F(RequestContextFromServerTest, NoDeadlineIsTheInfiniteFuture) {
  grpc::ClientContext call;
  const RequestContext seen = Seen(call);
  EXPECT_FALSE(seen.has_deadline());
  EXPECT_EQ(seen.deadline(), absl::InfiniteFuture());
  EXPECT_EQ(seen.Remaining(), absl::InfiniteDuration());
}

TEST_F(RequestContextFromServerTest, DropsAnInvalidRequestId) {
  grpc::ClientContext call;
  call.AddMetadata("x-request-id", "two words");
  call.AddMetadata("x-qpp-principal", "finance-funding");
  const RequestContext seen = Seen(call);
  EXPECT_EQ(seen.request_id(), "");
  EXPECT_EQ(seen.principal().name, "finance-funding");
}

TEST_F(RequestContextFromServerTest, IgnoresARepeatedPrincipal) {
  grpc::ClientContext call;
  call.AddMetadata("x-qpp-principal", "public-portal");
  call.AddMetadata("x-qpp-principal", "programme-office");
  EXPECT_TRUE(Seen(call).principal().empty());
}

TEST_F(RequestContextFromServerTest, ReadsRoleAndDistrictOfABelievedPrincipal) {
  grpc::ClientContext call;
  call.AddMetadata("x-qpp-principal", "district-440304");
  call.AddMetadata("x-qpp-role", "district_office");
  call.AddMetadata("x-qpp-district", "440304");
  const RequestContext seen = Seen(call);
  EXPECT_EQ(seen.principal().name, "district-440304");
  EXPECT_EQ(seen.principal().role, "district_office");
  EXPECT_EQ(seen.principal().district_code, "440304");
}

TEST_F(RequestContextFromServerTest, DropsAMalformedOrRepeatedDistrict) {
  {
    grpc::ClientContext call;
    call.AddMetadata("x-qpp-principal", "district-440304");
    call.AddMetadata("x-qpp-district", "4403O4");
    call.AddMetadata("x-qpp-role", "District Office");
    const RequestContext seen = Seen(call);
    EXPECT_EQ(seen.principal().district_code, "");
    EXPECT_EQ(seen.principal().role, "");
  }
  grpc::ClientContext call;
  call.AddMetadata("x-qpp-principal", "district-440304");
  call.AddMetadata("x-qpp-district", "440304");
  call.AddMetadata("x-qpp-district", "440305");
  EXPECT_EQ(Seen(call).principal().district_code, "");
}

// Where the principal header is not believed (mTLS required, and this
// caller has no certificate), neither are its role and district.
TEST_F(RequestContextFromServerTest, IgnoresTheDistrictOfAnUntrustedCaller) {
  PrincipalTrust trust;
  trust.require_peer = true;
  server_.service().set_trust(trust);
  grpc::ClientContext call;
  call.AddMetadata("x-qpp-principal", "programme-office");
  call.AddMetadata("x-qpp-role", "district_office");
  call.AddMetadata("x-qpp-district", "440304");
  const RequestContext seen = Seen(call);
  EXPECT_TRUE(seen.principal().empty());
  EXPECT_EQ(seen.principal().role, "");
  EXPECT_EQ(seen.principal().district_code, "");
}

TEST(MakeChannelTest, RefusesIncompleteSettings) {
  EXPECT_EQ(MakeChannel(ChannelOptions()).status().code(),
            absl::StatusCode::kInvalidArgument);
  ChannelOptions options = Plaintext("localhost:1");
  options.tls_target_name_override = "localhost";  // without a CA
  EXPECT_EQ(MakeChannel(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.tls_ca_file = "/nonexistent/ca.pem";
  EXPECT_EQ(MakeChannel(options).status().code(),
            absl::StatusCode::kFailedPrecondition);
  options.tls_cert_file = "/nonexistent/client.pem";  // without its key
  EXPECT_EQ(MakeChannel(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace qpp::client
