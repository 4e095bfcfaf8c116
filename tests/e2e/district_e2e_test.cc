// District offices end to end, through the real gateway in front of the
// real registry: two district keys (福田 440304 and 南山 440305), each
// confined by the gateway's policy to its own district, which the registry
// enforces from the district the gateway passes on.

#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "qpp/registry/v1/registry_service.pb.h"
#include "services/gateway/tests/gateway_checks.h"
#include "tests/e2e/gateway_registry_fixture.h"

namespace qpp::e2e {
namespace {

using gateway::testing::GenericUnaryCall;
using gateway::testing::HttpResponse;

constexpr char kA[] = "district-440304";
constexpr char kB[] = "district-440305";

std::string OrgJson(const std::string& uscc, const std::string& district) {
  return absl::StrCat(
      R"({"uscc": ")", uscc, R"(", "displayName": "深圳市)", district,
      R"(区测试有限公司", "kind": "ORGANIZATION_KIND_ENTERPRISE", )",
      R"("districtCode": ")", district, R"(", "industryCode": "3921"})");
}

// Asserts a 403 for acting outside 440304 that names 440304 and not the
// organisation's district.
void ExpectOutsideA(const HttpResponse& r) {
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.body.find("OUTSIDE_DISTRICT"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("440304"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("440305"), std::string::npos) << r.body;
}

// In the fixture's own suite, so that the system is started once per
// binary.
TEST_F(GatewayRegistryE2E, EachDistrictKeyWorksOnItsOwnDistrictOnly) {
  const int base = (getpid() % 1000000) * 10;
  const std::string mine = MakeUscc(base + 1);
  const std::string theirs = MakeUscc(base + 2);

  // A creates, reads and updates its own.
  HttpResponse created =
      Http("POST", "/v1/organizations", kA, OrgJson(mine, "440304"));
  ASSERT_EQ(created.status, 200) << created.body;
  HttpResponse got = Http("GET", "/v1/organizations/" + mine, kA);
  EXPECT_EQ(got.status, 200) << got.body;
  HttpResponse updated =
      Http("PATCH", "/v1/organizations/" + mine + "?updateMask=employees", kA,
           R"({"employees": 88})");
  EXPECT_EQ(updated.status, 200) << updated.body;
  EXPECT_NE(updated.body.find("\"employees\":\"88\""), std::string::npos)
      << updated.body;
  HttpResponse advanced =
      Http("POST", "/v1/organizations/" + mine + ":setAdoptionStatus", kA,
           R"({"adoptionStatus": "ADOPTION_STATUS_INTRODUCING"})");
  EXPECT_EQ(advanced.status, 200) << advanced.body;

  // B's organisation is refused to A: read, update, adoption step, in a
  // list filter and in a batch.
  ASSERT_EQ(
      Http("POST", "/v1/organizations", kB, OrgJson(theirs, "440305")).status,
      200);
  ExpectOutsideA(Http("GET", "/v1/organizations/" + theirs, kA));
  ExpectOutsideA(Http("PATCH",
                      "/v1/organizations/" + theirs + "?updateMask=employees",
                      kA, R"({"employees": 1})"));
  ExpectOutsideA(Http("POST",
                      "/v1/organizations/" + theirs + ":setAdoptionStatus", kA,
                      R"({"adoptionStatus": "ADOPTION_STATUS_INTRODUCING"})"));
  ExpectOutsideA(Http(
      "GET", "/v1/organizations:batchGet?names=organizations%2F" + theirs, kA));
  HttpResponse filtered =
      Http("GET", "/v1/organizations?districtCode=440305", kA);
  EXPECT_EQ(filtered.status, 403) << filtered.body;
  // Nor may A register an organisation in B's district.
  HttpResponse foreign = Http("POST", "/v1/organizations", kA,
                              OrgJson(MakeUscc(base + 3), "440305"));
  EXPECT_EQ(foreign.status, 403) << foreign.body;
  // B still reads its own, unchanged.
  HttpResponse b_got = Http("GET", "/v1/organizations/" + theirs, kB);
  ASSERT_EQ(b_got.status, 200) << b_got.body;
  EXPECT_EQ(b_got.body.find("\"employees\":\"1\""), std::string::npos);

  // A's list shows only A's district, without asking; B's only B's.
  auto list = [&](const std::string& principal) {
    HttpResponse r = Http("GET", "/v1/organizations?pageSize=1000", principal);
    EXPECT_EQ(r.status, 200) << r.body;
    registry::v1::ListOrganizationsResponse resp;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(r.body, &resp).ok())
        << r.body;
    return resp;
  };
  const auto a_list = list(kA);
  bool found_mine = false;
  for (const auto& o : a_list.organizations()) {
    EXPECT_EQ(o.district_code(), "440304") << o.name();
    found_mine = found_mine || o.uscc() == mine;
  }
  EXPECT_TRUE(found_mine);
  bool found_theirs = false;
  const auto b_list = list(kB);
  for (const auto& o : b_list.organizations()) {
    EXPECT_EQ(o.district_code(), "440305") << o.name();
    found_theirs = found_theirs || o.uscc() == theirs;
  }
  EXPECT_TRUE(found_theirs);
  // The programme office sees both.
  int both = 0;
  const auto city_list = list("programme-office");
  for (const auto& o : city_list.organizations()) {
    both += o.uscc() == mine || o.uscc() == theirs;
  }
  EXPECT_EQ(both, 2);
}

// A district key that claims another district in the gateway's own headers
// is still confined to its own: the gateway drops them and sets the
// policy's.
TEST_F(GatewayRegistryE2E, ForgedDistrictHeadersChangeNothing) {
  const int base = (getpid() % 1000000) * 10 + 5;
  const std::string theirs = MakeUscc(base);
  ASSERT_EQ(
      Http("POST", "/v1/organizations", kB, OrgJson(theirs, "440305")).status,
      200);
  auto md = Key(kA);
  md.emplace("x-qpp-district", "440305");
  md.emplace("x-qpp-role", "programme_office");
  md.emplace("x-qpp-principal", "programme-office");
  registry::v1::GetOrganizationRequest req;
  req.set_name("organizations/" + theirs);
  const grpc::Status s = GenericUnaryCall(
      gw_->channel, "/qpp.registry.v1.RegistryService/GetOrganization",
      req.SerializeAsString(), md, nullptr);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << s.error_message();
  ExpectOutsideA(Http("GET", "/v1/organizations/" + theirs, kA,
                      /*body=*/"",
                      {{"Grpc-Metadata-X-Qpp-District", "440305"}}));
}

}  // namespace
}  // namespace qpp::e2e
