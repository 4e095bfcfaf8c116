// The OpenAPI document against the running gateway: every operation it
// lists is called as a client generated from it would call it, and must
// reach its method (no 404 for an unknown path, no 405, no 501) and answer
// with a status the operation documents.

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "tests/api/api_system.h"

namespace qpp::api_test {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

constexpr char kUscc[] = "91440300MA5F00001A";

const Value* Field(const Struct& s, const std::string& name) {
  auto it = s.fields().find(name);
  return it == s.fields().end() ? nullptr : &it->second;
}

std::string Str(const Struct& s, const std::string& name) {
  const Value* v = Field(s, name);
  return v != nullptr ? v->string_value() : std::string();
}

// Samples of the resources the walk creates first (training's ids and the
// certificate's number and code are assigned by the service).
std::map<std::string, std::string>& Created() {
  static auto* created = new std::map<std::string, std::string>();
  return *created;
}

// A value for a path parameter, named after a resource pattern's variable.
std::string PathSample(const std::string& name) {
  static const std::map<std::string, std::string> samples = {
      {"organization", kUscc},
      {"award", "2024"},
      {"assessment", "1"},
      {"benchmark", "2024"},
      {"partnership", kUscc},
      {"score_sheet", "current"},
      {"year", "2024"},
      {"demonstration_base", "1"},
      {"event", "1"},
      {"registration", "1"},
      {"survey_round", "1"},
      {"demonstration_project", "1"},
      {"milestone", "1"},
      {"cohort", "2024"},
      {"application", "1"},
      {"expert", "1"},
      {"review", "1"},
      {"enrollment", "1"},
      // growthPlanParticipants/{participant}
      {"participant", "1"},
      {"scheme", "training-subsidy"},
      {"decision", "1"},
  };
  if (auto it = Created().find(name); it != Created().end()) return it->second;
  auto it = samples.find(name);
  return it == samples.end() ? std::string() : it->second;
}

// A well-formed value for a query parameter, from its name or its schema;
// empty to leave it out.
std::string QuerySample(const Struct& doc, const Struct& param) {
  static const std::map<std::string, std::string> by_name = {
      {"updateMask", "displayName"},
      {"names", "organizations%2F91440300MA5F00001A"},  // kUscc
      {"organization", "organizations%2F91440300MA5F00001A"},
      {"districtCode", "440305"},
      {"district", "440305"},
      {"industrySection", "C"},
      {"industryCode", "39"},
      {"nameQuery", "%E7%A4%BA"},
      {"year", "2024"},
      {"pageSize", "10"},
      {"pageToken", ""},
      {"since", "2024-01-01T00:00:00Z"},
      {"etag", ""},
  };
  const std::string name = Str(param, "name");
  if (auto it = by_name.find(name); it != by_name.end()) return it->second;
  if (auto it = Created().find("query:" + name); it != Created().end()) {
    return it->second;
  }
  if (name == "requestId") {
    static int n = 0;
    return absl::StrCat("00000000-0000-4000-8000-", 100000000000 + ++n);
  }
  const Struct& schema = Field(param, "schema")->struct_value();
  Struct resolved = schema;
  if (const std::string ref = Str(schema, "$ref"); !ref.empty()) {
    const std::string component = ref.substr(ref.rfind('/') + 1);
    resolved = Field(Field(Field(doc, "components")->struct_value(), "schemas")
                         ->struct_value(),
                     component)
                   ->struct_value();
  }
  if (const Value* values = Field(resolved, "enum")) {
    for (const Value& v : values->list_value().values()) {
      if (v.string_value().find("UNSPECIFIED") == std::string::npos) {
        return v.string_value();
      }
    }
  }
  const std::string type = Str(resolved, "type");
  if (type == "integer") return "1";
  if (type == "boolean") return "false";
  return "x";
}

struct Operation {
  std::string verb;  // "get", "post" …
  std::string path;  // as documented
  Struct op;
};

// The last segment of a resource name.
std::string IdOf(const std::string& name) {
  return name.substr(name.rfind('/') + 1);
}

// A course, a session given by the organisation kUscc, a trainee employed by
// it, a registration that attended and passed, and its certificate; their
// ids become the samples of training's path and query parameters.
void CreateTrainingSamples(ApiSystem& system) {
  auto name_of = [](const qpp::gateway::testing::HttpResponse& r) {
    auto json = ParseJson(r.body);
    EXPECT_TRUE(json.ok()) << r.body;
    return json.ok() ? Str(*json, "name") : std::string();
  };
  auto course = system.Http(
      "POST", "/v1/courses",
      R"({"title":"质量工程师培训","kind":"COURSE_KIND_QUALITY_ENGINEER",)"
      R"("hours":24,"hasExam":true,)"
      R"("certificateType":"CERTIFICATE_TYPE_QUALITY_ENGINEER"})");
  ASSERT_EQ(course.status, 200) << course.body;
  const std::string course_name = name_of(course);
  auto session = system.Http(
      "POST", absl::StrCat("/v1/", course_name, "/sessions"),
      absl::StrCat(R"({"startDate":{"year":2024,"month":3,"day":1},)",
                   R"("endDate":{"year":2024,"month":3,"day":2},)",
                   R"("place":"福田区","provider":"organizations/)", kUscc,
                   R"(","capacity":5})"));
  ASSERT_EQ(session.status, 200) << session.body;
  auto trainee = system.Http(
      "POST", "/v1/trainees",
      absl::StrCat(
          R"({"displayName":"张三","residentId":"11010519491231002X",)",
          R"("phone":"13812345678","employer":"organizations/)", kUscc,
          R"("})"));
  ASSERT_EQ(trainee.status, 200) << trainee.body;
  auto registration =
      system.Http("POST", "/v1/registrations",
                  absl::StrCat(R"({"session":")", name_of(session),
                               R"(","trainee":")", name_of(trainee), R"("})"));
  ASSERT_EQ(registration.status, 200) << registration.body;
  const std::string registration_name = name_of(registration);
  auto attended = system.Http(
      "POST", absl::StrCat("/v1/", registration_name, ":recordAttendance"),
      R"({"attended":true,"examResult":"EXAM_RESULT_PASSED","examScore":80})");
  ASSERT_EQ(attended.status, 200) << attended.body;
  auto certificate = system.Http(
      "POST", "/v1/certificates:issue",
      absl::StrCat(R"({"registration":")", registration_name, R"("})"));
  ASSERT_EQ(certificate.status, 200) << certificate.body;
  auto cert = ParseJson(certificate.body);
  ASSERT_TRUE(cert.ok());
  std::map<std::string, std::string>& c = Created();
  c["course"] = IdOf(course_name);
  c["session"] = IdOf(name_of(session));
  c["trainee"] = IdOf(name_of(trainee));
  c["registration"] = IdOf(registration_name);
  c["certificate"] = Str(*cert, "number");
  c["query:number"] = Str(*cert, "number");
  c["query:verificationCode"] = Str(*cert, "verificationCode");
  c["query:provider"] = absl::StrCat("organizations%2F", kUscc);
  c["query:employer"] = absl::StrCat("organizations%2F", kUscc);
  c["query:session"] = absl::StrReplaceAll(name_of(session), {{"/", "%2F"}});
  c["query:trainee"] = absl::StrReplaceAll(name_of(trainee), {{"/", "%2F"}});
  c["query:holder"] = c["query:trainee"];
}

TEST(OpenApiWalk, EveryDocumentedOperationReachesItsMethod) {
  QPP_API_SYSTEM_OR_SKIP(system);
  auto doc =
      ParseJson(ReadFile(testing::BinDir() + "/qpp-gateway.openapi.json"));
  ASSERT_TRUE(doc.ok()) << doc.status();

  // Resources for the operations that name one.
  auto created = system->Http(
      "POST", "/v1/organizations",
      absl::StrCat(
          R"({"uscc":")", kUscc,
          R"(","displayName":"示例科技有限公司","kind":"ORGANIZATION_KIND_ENTERPRISE",)"
          R"("districtCode":"440305","industryCode":"3921"})"));
  ASSERT_EQ(created.status, 200) << created.body;
  auto award = system->Http(
      "POST", absl::StrCat("/v1/organizations/", kUscc, "/awards"),
      R"({"year":2024,"level":"AWARD_LEVEL_GRAND_AWARD","category":"制造业"})");
  ASSERT_EQ(award.status, 200) << award.body;
  CreateTrainingSamples(*system);

  std::vector<Operation> ops;
  for (const auto& [path, item] :
       Field(*doc, "paths")->struct_value().fields()) {
    for (const auto& [verb, op] : item.struct_value().fields()) {
      ops.push_back({verb, path, op.struct_value()});
    }
  }
  // Deletions last, children before their parents.
  std::stable_sort(ops.begin(), ops.end(), [](const auto& a, const auto& b) {
    const bool da = a.verb == "delete", db = b.verb == "delete";
    if (da != db) return db;
    return da && a.path.size() > b.path.size();
  });
  ASSERT_GT(ops.size(), 20u);

  for (const Operation& o : ops) {
    const std::string id = Str(o.op, "operationId");
    SCOPED_TRACE(absl::StrCat(id, ": ", o.verb, " ", o.path));
    std::string url = o.path;
    std::string query;
    if (const Value* params = Field(o.op, "parameters")) {
      for (const Value& p : params->list_value().values()) {
        const Struct& param = p.struct_value();
        const std::string name = Str(param, "name");
        if (Str(param, "in") == "path") {
          const std::string value = PathSample(name);
          ASSERT_FALSE(value.empty())
              << "no sample for path parameter {" << name << "}: add one to "
              << "PathSample";
          url = absl::StrReplaceAll(url, {{"{" + name + "}", value}});
        } else if (const std::string value = QuerySample(*doc, param);
                   !value.empty()) {
          absl::StrAppend(&query, query.empty() ? "?" : "&", name, "=", value);
        }
      }
    }
    const std::string body = Field(o.op, "requestBody") != nullptr ? "{}" : "";
    std::string verb = o.verb;
    std::transform(verb.begin(), verb.end(), verb.begin(), ::toupper);
    auto r = system->Http(verb, url + query, body);
    ASSERT_NE(r.status, 0) << "no answer";
    EXPECT_NE(r.status, 405) << r.body;
    EXPECT_NE(r.status, 501) << r.body;
    const Struct& documented = Field(o.op, "responses")->struct_value();
    EXPECT_NE(Field(documented, std::to_string(r.status)), nullptr)
        << "status " << r.status << " is not documented: " << r.body;
    auto json = ParseJson(r.body);
    ASSERT_TRUE(json.ok()) << r.body;
    if (r.status >= 400) {
      // A method's own error carries ErrorInfo; the gateway's answer for a
      // path it does not know (or a parameter it does not read) does not.
      const Value* details = Field(*json, "details");
      EXPECT_TRUE(details != nullptr && details->list_value().values_size() > 0)
          << "the call did not reach a method: " << r.body;
    }
    if (o.verb == "get" && o.path.find("{") == std::string::npos) {
      EXPECT_EQ(r.status, 200) << r.body;
    }
  }
}

TEST(OpenApiWalk, BulkLoadsOverHttpUseTheBatchMethod) {
  QPP_API_SYSTEM_OR_SKIP(system);
  auto doc =
      ParseJson(ReadFile(testing::BinDir() + "/qpp-gateway.openapi.json"));
  ASSERT_TRUE(doc.ok()) << doc.status();
  const Struct& paths = Field(*doc, "paths")->struct_value();
  // The import stream is gRPC-only: no path, and no route either.
  EXPECT_EQ(Field(paths, "/v1/organizations:import"), nullptr);
  EXPECT_EQ(system->Http("POST", "/v1/organizations:import", "{}").status, 404);
  // Its HTTP counterpart is documented and answers a result per row.
  ASSERT_NE(Field(paths, "/v1/organizations:batchCreate"), nullptr);
  auto r = system->Http(
      "POST", "/v1/organizations:batchCreate",
      absl::StrCat(
          R"({"organizations":[)",
          R"({"uscc":"914403001922038216","displayName":"批量一号有限公司",)",
          R"("kind":"ORGANIZATION_KIND_ENTERPRISE","districtCode":"440305",)",
          R"("industryCode":"3921"},)",
          R"({"uscc":"bad","displayName":"批量二号有限公司",)",
          R"("kind":"ORGANIZATION_KIND_ENTERPRISE","districtCode":"440305",)",
          R"("industryCode":"3921"}]})"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto json = ParseJson(r.body);
  ASSERT_TRUE(json.ok()) << r.body;
  const auto& results = Field(*json, "results")->list_value().values();
  ASSERT_EQ(results.size(), 2);
  EXPECT_EQ(Field(results[1].struct_value(), "code")->number_value(), 3)
      << r.body;  // INVALID_ARGUMENT for the bad row
}

TEST(OpenApiWalk, TheGatewayServesTheBuiltDocument) {
  QPP_API_SYSTEM_OR_SKIP(system);
  const std::string built =
      ReadFile(testing::BinDir() + "/qpp-gateway.openapi.json");
  const std::string no_key;
  auto r = system->Http("GET", "/openapi.json", "", &no_key);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, built);
  auto doc = ParseJson(r.body);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(Str(*doc, "openapi"), "3.0.3");
  const Struct& paths = Field(*doc, "paths")->struct_value();
  EXPECT_NE(Field(paths, "/v1/organizations/{organization}"), nullptr);
  EXPECT_NE(
      Field(paths, "/v1/organizations/{organization}/assessments/{assessment}"),
      nullptr);
  EXPECT_NE(Field(paths, "/v1/organizations/{organization}:undelete"), nullptr);
  for (const auto& [path, item] : paths.fields()) {
    EXPECT_EQ(path.find('='), std::string::npos) << path;
  }
}

}  // namespace
}  // namespace qpp::api_test
