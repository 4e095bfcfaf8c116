// The gateway core with in-memory dependencies: admission order, audit
// fail-closed for mutations, resource extraction, request ids.
#include "services/gateway/src/gateway.h"

#include "gtest/gtest.h"
#include "qpp/registry/v1/registry_service.pb.h"
#include "services/gateway/src/apis.h"
#include "services/gateway/src/http_front.h"
#include "services/gateway/tests/fake_audit.h"

namespace qpp::gateway {
namespace {

using testing::FakeAudit;

class GatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto k = GenerateKey("office");
    auto f = GenerateKey("funding");
    ASSERT_TRUE(k.ok() && f.ok());
    office_key_ = k->key;
    funding_key_ = f->key;
    keys_ = *ApiKeyStore::Parse(k->entry + "\n" + f->entry);
    policy_ = *Policy::FromJson(R"({
      "roles": [
        {"name": "all", "allow": ["*/*"], "rateLimit": {"requestsPerSecond": 1, "burst": 2}},
        {"name": "read", "allow": ["qpp.registry.v1.RegistryService/Get*"]}],
      "principals": [{"id": "office", "roles": ["all"]},
                     {"id": "funding", "roles": ["read"]}]})");
    backends_ = *BackendSet::Create(
        "qpp.registry.v1.RegistryService=127.0.0.1:1", {}, nullptr);
    gateway_ =
        std::make_unique<Gateway>(GatewayOptions{}, &keys_, &policy_, &limiter_,
                                  &audit_, backends_.get(), nullptr);
    for (const auto* s : KnownServices()) gateway_->AddKnownService(s);
  }

  Inbound Call(const std::string& key, const std::string& method) {
    Inbound in;
    in.api_key = key;
    in.full_method = "/qpp.registry.v1.RegistryService/" + method;
    return in;
  }

  std::string office_key_, funding_key_;
  ApiKeyStore keys_;
  Policy policy_;
  absl::Time now_ = absl::FromUnixSeconds(1700000000);
  RateLimiter limiter_{[this] { return now_; }};
  FakeAudit audit_;
  std::unique_ptr<BackendSet> backends_;
  std::unique_ptr<Gateway> gateway_;
};

TEST_F(GatewayTest, AdmissionOrderAndCodes) {
  Admission a;
  EXPECT_EQ(gateway_->Admit(Call("", "GetOrganization"), &a).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(gateway_->Admit(Call("office.wrong", "GetOrganization"), &a).code(),
            absl::StatusCode::kUnauthenticated);
  Admission denied;
  EXPECT_EQ(
      gateway_->Admit(Call(funding_key_, "CreateOrganization"), &denied).code(),
      absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(denied.principal, "funding");
  Inbound unknown = Call(office_key_, "X");
  unknown.full_method = "/qpp.training.v1.TrainingService/GetTrainee";
  EXPECT_EQ(gateway_->Admit(unknown, &a).code(),
            absl::StatusCode::kUnimplemented);
  Admission ok;
  ASSERT_TRUE(gateway_->Admit(Call(funding_key_, "GetOrganization"), &ok).ok());
  EXPECT_EQ(ok.principal, "funding");
  ASSERT_NE(ok.method, nullptr);
  EXPECT_FALSE(ok.method->mutation);
  EXPECT_NE(ok.upstream, nullptr);
}

TEST_F(GatewayTest, MalformedMethodNamesAreDenied) {
  for (const char* m : {"", "/", "//", "/a", "/a/", "/a/b/c", "noslash"}) {
    Inbound in = Call(office_key_, "");
    in.full_method = m;
    Admission a;
    EXPECT_EQ(gateway_->Admit(in, &a).code(),
              absl::StatusCode::kPermissionDenied)
        << m;
  }
}

TEST_F(GatewayTest, RateLimitPerPrincipal) {
  Admission a;
  // office: burst 2 (the first admission above used none of it).
  EXPECT_TRUE(gateway_->Admit(Call(office_key_, "GetOrganization"), &a).ok());
  EXPECT_TRUE(gateway_->Admit(Call(office_key_, "GetOrganization"), &a).ok());
  EXPECT_EQ(gateway_->Admit(Call(office_key_, "GetOrganization"), &a).code(),
            absl::StatusCode::kResourceExhausted);
  now_ += absl::Seconds(1);
  EXPECT_TRUE(gateway_->Admit(Call(office_key_, "GetOrganization"), &a).ok());
}

TEST_F(GatewayTest, AuditFailureRefusesMutationsOnly) {
  audit_.writable = false;
  Admission a;
  absl::Status s = gateway_->Admit(Call(office_key_, "CreateOrganization"), &a);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(gateway_->Admit(Call(office_key_, "GetOrganization"), &a).ok());
}

TEST_F(GatewayTest, DeadlineDefaultAndCap) {
  Admission a;
  Inbound in = Call(office_key_, "GetOrganization");
  ASSERT_TRUE(gateway_->Admit(in, &a).ok());
  const auto now = std::chrono::system_clock::now();
  EXPECT_NEAR(std::chrono::duration<double>(a.deadline - now).count(), 10, 0.5);
  in.deadline = now + std::chrono::hours(5);
  now_ += absl::Seconds(5);
  ASSERT_TRUE(gateway_->Admit(in, &a).ok());
  EXPECT_NEAR(std::chrono::duration<double>(a.deadline - now).count(), 60, 0.5);
}

TEST_F(GatewayTest, NamesResourcesFromTheWireFormatNeverFromBodies) {
  registry::v1::UpdateOrganizationRequest update;
  update.mutable_organization()->set_name("organizations/X1");
  update.mutable_organization()->set_display_name("不该记录");
  update.set_request_id("r");
  std::string bytes = update.SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer buf(&slice, 1);
  const MethodInfo* m = gateway_->FindMethod(
      "/qpp.registry.v1.RegistryService/UpdateOrganization");
  ASSERT_NE(m, nullptr);
  CallResources update_resources;
  Gateway::NameRequestResources(*m, buf, &update_resources);
  EXPECT_EQ(update_resources.names,
            std::vector<std::string>{"organizations/X1"});

  // A create: the collection under the parent, then the server's name.
  registry::v1::CreateAwardRecordRequest award;
  award.set_parent("organizations/X2");
  award.mutable_award_record()->set_year(2025);
  bytes = award.SerializeAsString();
  grpc::Slice slice2(bytes);
  grpc::ByteBuffer buf2(&slice2, 1);
  m = gateway_->FindMethod(
      "/qpp.registry.v1.RegistryService/CreateAwardRecord");
  ASSERT_NE(m, nullptr);
  CallResources award_resources;
  Gateway::NameRequestResources(*m, buf2, &award_resources);
  EXPECT_EQ(award_resources.names,
            std::vector<std::string>{"organizations/X2/awards"});
  registry::v1::AwardRecord created;
  created.set_name("organizations/X2/awards/2025");
  created.set_category("不该记录");
  bytes = created.SerializeAsString();
  grpc::Slice slice3(bytes);
  grpc::ByteBuffer buf3(&slice3, 1);
  Gateway::NameResponseResources(*m, buf3, &award_resources);
  EXPECT_EQ(award_resources.names,
            std::vector<std::string>{"organizations/X2/awards/2025"});

  // Garbage does not crash.
  std::string junk = "\xff\xff\xff\xff\x0f\x0a\x05";
  grpc::Slice slice4(junk);
  grpc::ByteBuffer buf4(&slice4, 1);
  CallResources none;
  Gateway::NameRequestResources(*m, buf4, &none);
  EXPECT_TRUE(none.names.empty());
}

TEST(ReservedMetadata, OwnedHeadersInEveryFormStayAtTheGateway) {
  for (const char* key :
       {"x-qpp-principal", "x-qpp-principal-bin", "x-qpp-role",
        "x-qpp-role-bin", "x-qpp-district", "x-qpp-district-bin",
        "x-request-id", "x-request-id-bin", "x-api-key", "x-api-key-bin",
        "authorization", "authorization-bin", "grpc-timeout", ":authority",
        "user-agent", "content-type", "te", "host", ""}) {
    EXPECT_TRUE(IsReservedMetadata(key)) << key;
  }
  for (const char* key :
       {"x-fake-sleep-ms", "x-trace-bin", "x-qpp-principals",
        "x-qpp-principal-bin-x", "x-qpp-districts", "traceparent"}) {
    EXPECT_FALSE(IsReservedMetadata(key)) << key;
  }
}

TEST_F(GatewayTest, RequestIdsAreValidatedOrGenerated) {
  EXPECT_TRUE(IsValidRequestId("abc-123_x.y:z"));
  EXPECT_FALSE(IsValidRequestId(""));
  EXPECT_FALSE(IsValidRequestId("has space"));
  EXPECT_FALSE(IsValidRequestId(std::string(65, 'a')));
  const std::string id = NewRequestId();
  EXPECT_EQ(id.size(), 36u);
  EXPECT_TRUE(IsValidRequestId(id));
  EXPECT_NE(id, NewRequestId());
  Admission a;
  Inbound in = Call(office_key_, "GetOrganization");
  in.request_id = "bad id\n";
  ASSERT_TRUE(gateway_->Admit(in, &a).ok());
  EXPECT_EQ(a.request_id.size(), 36u);
  in.request_id = "client-42";
  ASSERT_TRUE(gateway_->Admit(in, &a).ok() ||
              true);  // may be rate limited; the id is set either way
  EXPECT_EQ(a.request_id, "client-42");
}

TEST_F(GatewayTest, CompleteWritesOneAuditRecord) {
  Admission a;
  Inbound in = Call(funding_key_, "GetOrganization");
  in.peer = "ipv4:127.0.0.1:1";
  ASSERT_TRUE(gateway_->Admit(in, &a).ok());
  a.resources.Add("organizations/X1");
  gateway_->Complete(a, in, 5, 0);
  ASSERT_EQ(audit_.records.size(), 1u);
  EXPECT_EQ(audit_.records[0].principal, "funding");
  EXPECT_EQ(audit_.records[0].code, 5);
  EXPECT_EQ(audit_.records[0].resources[0], "organizations/X1");
}

TEST_F(GatewayTest, ReloadSwapsKeysAndPolicy) {
  Admission a;
  ASSERT_TRUE(gateway_->Admit(Call(funding_key_, "GetOrganization"), &a).ok());
  auto other = GenerateKey("other");
  ASSERT_TRUE(other.ok());
  auto keys = ApiKeyStore::Parse(other->entry);
  auto policy = Policy::FromJson(R"({
      "roles": [{"name": "r", "allow": ["qpp.registry.v1.RegistryService/List*"]}],
      "principals": [{"id": "other", "roles": ["r"]}]})");
  ASSERT_TRUE(keys.ok() && policy.ok());
  gateway_->Reload(std::make_shared<const ApiKeyStore>(*std::move(keys)),
                   std::make_shared<const Policy>(*std::move(policy)));
  // The old key is gone; the new one is bound by the new policy.
  EXPECT_EQ(gateway_->Admit(Call(funding_key_, "GetOrganization"), &a).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(gateway_->Admit(Call(other->key, "GetOrganization"), &a).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(gateway_->Admit(Call(other->key, "ListOrganizations"), &a).ok());
}

TEST(GrpcTimeout, ParsesEveryUnitAndRejectsGarbage) {
  absl::Duration d;
  ASSERT_TRUE(ParseGrpcTimeout("250m", &d));
  EXPECT_EQ(d, absl::Milliseconds(250));
  ASSERT_TRUE(ParseGrpcTimeout("5S", &d));
  EXPECT_EQ(d, absl::Seconds(5));
  ASSERT_TRUE(ParseGrpcTimeout("1H", &d));
  EXPECT_EQ(d, absl::Hours(1));
  ASSERT_TRUE(ParseGrpcTimeout("10u", &d));
  EXPECT_EQ(d, absl::Microseconds(10));
  for (const char* bad : {"", "m", "5", "5s", "-1S", "1.5S", "123456789S"}) {
    EXPECT_FALSE(ParseGrpcTimeout(bad, &d)) << bad;
  }
}

TEST(MutationNames, ReadsAreRecognised) {
  EXPECT_FALSE(IsMutationName("GetOrganization"));
  EXPECT_FALSE(IsMutationName("ListOrganizations"));
  EXPECT_FALSE(IsMutationName("VerifyCertificate"));
  EXPECT_TRUE(IsMutationName("CreateOrganization"));
  EXPECT_TRUE(IsMutationName("SetAdoptionStatus"));
  EXPECT_TRUE(IsMutationName("ImportOrganizations"));
}

}  // namespace
}  // namespace qpp::gateway
