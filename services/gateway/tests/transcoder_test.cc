#include "services/gateway/src/transcoder.h"

#include "common/status/grpc_status.h"
#include "common/status/status.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "qpp/demobase/v1/demobase_service.pb.h"
#include "qpp/gateway/v1/progress_service.pb.h"
#include "qpp/registry/v1/registry_service.pb.h"

namespace qpp::gateway {
namespace {

using registry::v1::CreateOrganizationRequest;
using registry::v1::GetOrganizationRequest;
using registry::v1::ListOrganizationsRequest;
using registry::v1::Organization;
using registry::v1::UpdateOrganizationRequest;

class TranscoderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(
        t_.AddService(
              GetOrganizationRequest::descriptor()->file()->FindServiceByName(
                  "RegistryService"))
            .ok());
    ASSERT_TRUE(
        t_.AddService(
              v1::GetProgrammeProgressRequest::descriptor()->file()->service(0))
            .ok());
  }

  template <typename T>
  absl::StatusOr<T> Build(const std::string& verb, const std::string& path,
                          const std::string& query, const std::string& body) {
    auto m = t_.Match(verb, path);
    if (!m.ok()) return m.status();
    std::string bytes;
    absl::Status s = t_.BuildRequest(*m, query, body, &bytes);
    if (!s.ok()) return s;
    T out;
    if (!out.ParseFromString(bytes)) return absl::InternalError("parse");
    return out;
  }

  Transcoder t_;
};

TEST_F(TranscoderTest, GetBindsTheNameFromThePath) {
  auto m = t_.Match("GET", "/v1/organizations/91440300MA5F00001X");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->route->full_method,
            "/qpp.registry.v1.RegistryService/GetOrganization");
  auto r = Build<GetOrganizationRequest>(
      "GET", "/v1/organizations/91440300MA5F00001X", "", "");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->name(), "organizations/91440300MA5F00001X");
}

TEST_F(TranscoderTest, QueryParametersSetScalarsAndEnumsByNameOrNumber) {
  auto r = Build<ListOrganizationsRequest>(
      "GET", "/v1/organizations",
      "pageSize=20&district_code=440305&adoptionStatus=ADOPTION_STATUS_ADOPTED"
      "&kind=1&showDeleted=true&nameQuery=%E8%B4%A8%E9%87%8F+A",
      "");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->page_size(), 20);
  EXPECT_EQ(r->district_code(), "440305");
  EXPECT_EQ(r->adoption_status(), registry::v1::ADOPTION_STATUS_ADOPTED);
  EXPECT_EQ(r->kind(), registry::v1::ORGANIZATION_KIND_ENTERPRISE);
  EXPECT_TRUE(r->show_deleted());
  EXPECT_EQ(r->name_query(), "质量 A");
}

TEST_F(TranscoderTest, TimestampQueryParameterTakesRfc3339) {
  auto r = Build<registry::v1::ListOrganizationChangesRequest>(
      "GET", "/v1/organizations:changes",
      "since=2024-01-02T03%3A04%3A05Z&pageSize=10", "");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->since().seconds(), 1704164645);
  EXPECT_EQ(r->page_size(), 10);
  auto bad = Build<registry::v1::ListOrganizationChangesRequest>(
      "GET", "/v1/organizations:changes", "since=yesterday", "");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TranscoderTest, RepeatedFieldsTakeRepeatedValues) {
  registry::v1::RowResult row;
  ASSERT_TRUE(SetFieldFromText(&row, "fields", "uscc").ok());
  ASSERT_TRUE(SetFieldFromText(&row, "fields", "district_code").ok());
  ASSERT_EQ(row.fields_size(), 2);
  EXPECT_EQ(row.fields(1), "district_code");
}

TEST_F(TranscoderTest, BodyFieldAndNestedPathVariable) {
  auto r = Build<UpdateOrganizationRequest>(
      "PATCH", "/v1/organizations/X1", "updateMask=displayName,employees",
      R"({"displayName": "新名称", "employees": 120, "name": "organizations/EVIL"})");
  ASSERT_TRUE(r.ok()) << r.status();
  // The path wins over the body for the resource name.
  EXPECT_EQ(r->organization().name(), "organizations/X1");
  EXPECT_EQ(r->organization().display_name(), "新名称");
  EXPECT_EQ(r->organization().employees(), 120);
  ASSERT_EQ(r->update_mask().paths_size(), 2);
  EXPECT_EQ(r->update_mask().paths(0), "display_name");
}

TEST_F(TranscoderTest, BodyStarMapsTheWholeRequest) {
  auto r = Build<registry::v1::SetAdoptionStatusRequest>(
      "POST", "/v1/organizations/X1:setAdoptionStatus", "",
      R"({"adoptionStatus": "ADOPTION_STATUS_ADOPTED", "effectiveDate": {"year": 2014, "month": 5, "day": 1}})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->name(), "organizations/X1");
  EXPECT_EQ(r->adoption_status(), registry::v1::ADOPTION_STATUS_ADOPTED);
  EXPECT_EQ(r->effective_date().year(), 2014);
}

TEST_F(TranscoderTest, IntegerPathVariable) {
  auto r = Build<v1::GetProgrammeProgressRequest>("GET", "/v1/progress/2015",
                                                  "", "");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->year(), 2015);
  auto bad =
      Build<v1::GetProgrammeProgressRequest>("GET", "/v1/progress/abc", "", "");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TranscoderTest, BadInputIsInvalidArgument) {
  struct Case {
    std::string verb, path, query, body;
  };
  const Case cases[] = {
      {"POST", "/v1/organizations", "", "{not json"},
      {"POST", "/v1/organizations", "", R"({"uscc": "X", "bogus": 1})"},
      {"POST", "/v1/organizations", "", R"({"employees": "many"})"},
      {"POST", "/v1/organizations", "", R"({"kind": "NO_SUCH_KIND"})"},
      {"POST", "/v1/organizations", "", R"([1, 2])"},
      {"GET", "/v1/organizations", "nosuchparam=1", ""},
      {"GET", "/v1/organizations", "pageSize=big", ""},
      {"GET", "/v1/organizations", "adoptionStatus=NOPE", ""},
      {"GET", "/v1/organizations", "showDeleted=yes", ""},
      {"GET", "/v1/organizations", "pageSize=%zz", ""},
      {"GET", "/v1/organizations/X1", "", "{\"a\":1}"},
      {"POST", "/v1/organizations:batchCreate", "requestId=x", "{}"},
      {"PATCH", "/v1/organizations/X1", "organization.displayName=x", "{}"},
  };
  for (const Case& c : cases) {
    auto m = t_.Match(c.verb, c.path);
    ASSERT_TRUE(m.ok()) << c.path;
    std::string bytes;
    absl::Status s = t_.BuildRequest(*m, c.query, c.body, &bytes);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument)
        << c.verb << " " << c.path << "?" << c.query << " " << c.body << ": "
        << s;
  }
}

TEST_F(TranscoderTest, AGetWithACustomVerbReachesItsMethodNotThePlainGet) {
  // GetSurveyRound ("/v1/{name=surveyRounds/*}") is declared, and so tried,
  // before CompareSurveyRounds ("/v1/{name=surveyRounds/*}:compare").
  ASSERT_TRUE(t_.AddService(demobase::v1::GetSurveyRoundRequest::descriptor()
                                ->file()
                                ->FindServiceByName("DemoBaseService"))
                  .ok());
  auto compare = t_.Match("GET", "/v1/surveyRounds/2:compare");
  ASSERT_TRUE(compare.ok()) << compare.status();
  EXPECT_EQ(compare->route->full_method,
            "/qpp.demobase.v1.DemoBaseService/CompareSurveyRounds");
  auto req = Build<demobase::v1::CompareSurveyRoundsRequest>(
      "GET", "/v1/surveyRounds/2:compare", "baseline=surveyRounds%2F1", "");
  ASSERT_TRUE(req.ok()) << req.status();
  EXPECT_EQ(req->name(), "surveyRounds/2");
  EXPECT_EQ(req->baseline(), "surveyRounds/1");
  auto get = t_.Match("GET", "/v1/surveyRounds/2");
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->route->full_method,
            "/qpp.demobase.v1.DemoBaseService/GetSurveyRound");
  // A verb no binding declares is no method, not GetSurveyRound.
  EXPECT_EQ(t_.Match("GET", "/v1/surveyRounds/2:unknown").status().code(),
            absl::StatusCode::kNotFound);
  // A verb bound to POST only is a known path with the wrong HTTP method.
  EXPECT_EQ(t_.Match("GET", "/v1/surveyRounds/2:complete").status().code(),
            absl::StatusCode::kUnimplemented);
}

TEST_F(TranscoderTest, UnknownPathsAndVerbs) {
  EXPECT_EQ(t_.Match("GET", "/v1/nothing").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(t_.Match("GET", "/").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(t_.Match("PUT", "/v1/organizations").status().code(),
            absl::StatusCode::kUnimplemented);
  EXPECT_EQ(t_.Match("GET", "/v1/organizations/a/b/c/d").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(TranscoderTest, ResponsesUseJsonNamesAndPrintZeroValues) {
  auto m = t_.Match("GET", "/v1/organizations/X1");
  ASSERT_TRUE(m.ok());
  Organization o;
  o.set_name("organizations/X1");
  o.set_display_name("示例");
  std::string bytes = o.SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer buf(&slice, 1);
  std::string json;
  ASSERT_TRUE(t_.ResponseToJson(*m->route, buf, &json).ok());
  EXPECT_NE(json.find("\"displayName\":\"示例\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"employees\":\"0\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"kind\":\"ORGANIZATION_KIND_UNSPECIFIED\""),
            std::string::npos);
  EXPECT_NE(json.find("\"contacts\":[]"), std::string::npos);
}

TEST_F(TranscoderTest, StatusJsonCarriesCodeMessageAndDetails) {
  grpc::Status s = status::ToGrpcStatus(
      status::InvalidField("organization.uscc", "18 characters"));
  const std::string json = StatusToJson(s);
  EXPECT_NE(json.find("\"code\":3"), std::string::npos) << json;
  EXPECT_NE(json.find("google.rpc.BadRequest"), std::string::npos) << json;
  EXPECT_NE(json.find("organization.uscc"), std::string::npos) << json;
  EXPECT_EQ(StatusToJson(grpc::Status(grpc::StatusCode::NOT_FOUND, "gone")),
            R"({"code":5,"message":"gone","details":[]})");
}

}  // namespace
}  // namespace qpp::gateway
