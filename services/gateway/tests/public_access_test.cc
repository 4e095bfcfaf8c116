// Calls without credentials: a public method runs as the anonymous
// principal, rate-limited per client address; every other method, and any
// call with a wrong key, is refused.
#include "gtest/gtest.h"
#include "services/gateway/src/apis.h"
#include "services/gateway/src/gateway.h"

namespace qpp::gateway {
namespace {

constexpr char kVerify[] = "/qpp.training.v1.TrainingService/VerifyCertificate";

class NullAudit final : public AuditWriter {
 public:
  absl::Status Write(const AuditRecord&) override { return absl::OkStatus(); }
  bool Writable() override { return true; }
};

class PublicAccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto k = GenerateKey("office");
    ASSERT_TRUE(k.ok());
    office_key_ = k->key;
    keys_ = *ApiKeyStore::Parse(k->entry);
    policy_ = *Policy::FromJson(R"({
      "roles": [
        {"name": "all", "allow": ["*/*"]},
        {"name": "public",
         "allow": ["qpp.training.v1.TrainingService/VerifyCertificate",
                   "grpc.reflection.*/*"],
         "rateLimit": {"requestsPerSecond": 1, "burst": 2}}],
      "principals": [{"id": "office", "roles": ["all"]},
                     {"id": "anonymous", "roles": ["public"]}]})");
    backends_ = *BackendSet::Create(
        "qpp.training.v1.TrainingService=127.0.0.1:1,"
        "qpp.registry.v1.RegistryService=127.0.0.1:1",
        {}, nullptr);
    GatewayOptions options;
    options.public_methods = {kVerify};
    gateway_ = std::make_unique<Gateway>(options, &keys_, &policy_, &limiter_,
                                         &audit_, backends_.get(), nullptr);
    for (const auto* s : KnownServices()) gateway_->AddKnownService(s);
  }

  static Inbound Anonymous(const std::string& method, const std::string& peer) {
    Inbound in;
    in.full_method = method;
    in.peer = peer;
    return in;
  }

  std::string office_key_;
  ApiKeyStore keys_;
  Policy policy_;
  absl::Time now_ = absl::FromUnixSeconds(1700000000);
  RateLimiter limiter_{[this] { return now_; }};
  NullAudit audit_;
  std::unique_ptr<BackendSet> backends_;
  std::unique_ptr<Gateway> gateway_;
};

TEST(PublicMethods, TheBuildListsCertificateVerification) {
  const std::vector<std::string> methods = PublicMethods();
  ASSERT_EQ(methods.size(), 1u);
  EXPECT_EQ(methods[0], kVerify);
}

TEST_F(PublicAccessTest, PublicMethodWithoutCredentialsRunsAsAnonymous) {
  Admission a;
  const absl::Status s =
      gateway_->Admit(Anonymous(kVerify, "ipv4:203.0.113.7:5000"), &a);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(a.principal, kAnonymousPrincipal);
  EXPECT_TRUE(a.anonymous);
  EXPECT_FALSE(a.refused);
  EXPECT_NE(a.upstream, nullptr);
}

TEST_F(PublicAccessTest, OtherMethodsWithoutCredentialsAreUnauthenticated) {
  for (const char* m : {"/qpp.training.v1.TrainingService/GetCertificate",
                        "/qpp.training.v1.TrainingService/CheckCertificate",
                        "/qpp.registry.v1.RegistryService/GetOrganization",
                        "/grpc.reflection.v1alpha.ServerReflection/"
                        "ServerReflectionInfo",
                        "GET /v1/certificates:verify"}) {
    Admission a;
    EXPECT_EQ(gateway_->Admit(Anonymous(m, "ipv4:203.0.113.7:5000"), &a).code(),
              absl::StatusCode::kUnauthenticated)
        << m;
    EXPECT_TRUE(a.principal.empty()) << m;
  }
}

TEST_F(PublicAccessTest, AWrongKeyIsRefusedEvenForAPublicMethod) {
  Inbound in = Anonymous(kVerify, "ipv4:203.0.113.7:5000");
  in.api_key = "office.wrong";
  Admission a;
  EXPECT_EQ(gateway_->Admit(in, &a).code(), absl::StatusCode::kUnauthenticated);
  EXPECT_FALSE(a.anonymous);
}

TEST_F(PublicAccessTest, AKeyedCallerOfAPublicMethodKeepsItsPrincipal) {
  Inbound in = Anonymous(kVerify, "ipv4:203.0.113.7:5000");
  in.api_key = office_key_;
  Admission a;
  ASSERT_TRUE(gateway_->Admit(in, &a).ok());
  EXPECT_EQ(a.principal, "office");
  EXPECT_FALSE(a.anonymous);
}

TEST_F(PublicAccessTest, AnonymousCallsAreRateLimitedPerAddress) {
  Admission a;
  // Burst 2 per address; the port does not make a new client.
  EXPECT_TRUE(
      gateway_->Admit(Anonymous(kVerify, "ipv4:203.0.113.7:5000"), &a).ok());
  EXPECT_TRUE(
      gateway_->Admit(Anonymous(kVerify, "ipv4:203.0.113.7:5001"), &a).ok());
  EXPECT_EQ(
      gateway_->Admit(Anonymous(kVerify, "ipv4:203.0.113.7:5002"), &a).code(),
      absl::StatusCode::kResourceExhausted);
  // Another address has its own bucket.
  EXPECT_TRUE(
      gateway_->Admit(Anonymous(kVerify, "ipv4:198.51.100.9:5000"), &a).ok());
  now_ += absl::Seconds(1);
  EXPECT_TRUE(
      gateway_->Admit(Anonymous(kVerify, "ipv4:203.0.113.7:5003"), &a).ok());
}

TEST_F(PublicAccessTest, WithoutAnAnonymousPrincipalInThePolicyItIsDenied) {
  Policy closed = *Policy::FromJson(R"({
      "roles": [{"name": "all", "allow": ["*/*"]}],
      "principals": [{"id": "office", "roles": ["all"]}]})");
  gateway_->Reload(std::make_shared<const ApiKeyStore>(keys_),
                   std::make_shared<const Policy>(closed));
  Admission a;
  EXPECT_EQ(
      gateway_->Admit(Anonymous(kVerify, "ipv4:203.0.113.7:5000"), &a).code(),
      absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace qpp::gateway
