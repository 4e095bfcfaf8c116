// The resources the audit line names, for every mutation of the registry
// over gRPC (the serialized request) and over HTTP/JSON (the request the
// transcoder builds), and for a service the gateway has never seen.
#include "services/gateway/src/resource_names.h"

#include <map>
#include <memory>
#include <set>

#include "absl/strings/str_cat.h"
#include "google/api/annotations.pb.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "qpp/registry/v1/registry_service.pb.h"
#include "services/gateway/src/audit_log.h"
#include "services/gateway/src/gateway.h"
#include "services/gateway/src/transcoder.h"

namespace qpp::gateway {
namespace {

namespace v1 = registry::v1;
using Names = std::vector<std::string>;

constexpr char kUscc[] = "91440300MA5F00001X";
const std::string kOrg = absl::StrCat("organizations/", kUscc);

v1::Organization Org(const std::string& uscc) {
  v1::Organization o;
  o.set_uscc(uscc);
  o.set_display_name("深圳市某某科技有限公司");
  return o;
}

std::string Uscc(int i) { return absl::StrCat("9144030000000000", 10 + i); }

// One registry mutation: its request over gRPC and over HTTP, a response
// of the kind the registry sends, and the names before and after it.
struct Case {
  std::string method;
  std::string grpc_request;  // serialized
  std::string verb, path, body;
  std::string response;  // serialized
  Names before;          // named by the request
  Names after;           // once the response is in
  int64_t count = 0;     // 0: the number of names
};

std::vector<Case> RegistryMutations() {
  std::vector<Case> cases;
  {
    v1::CreateOrganizationRequest r;
    *r.mutable_organization() = Org(kUscc);
    v1::Organization out;
    out.set_name(kOrg);
    cases.push_back(
        {"CreateOrganization",
         r.SerializeAsString(),
         "POST",
         "/v1/organizations",
         absl::StrCat(R"({"uscc":")", kUscc, R"(","displayName":"某某"})"),
         out.SerializeAsString(),
         {kOrg},
         {kOrg}});
  }
  {
    v1::UpdateOrganizationRequest r;
    r.mutable_organization()->set_name(kOrg);
    r.mutable_organization()->set_display_name("新名称");
    r.mutable_update_mask()->add_paths("display_name");
    v1::Organization out;
    out.set_name(kOrg);
    cases.push_back({"UpdateOrganization",
                     r.SerializeAsString(),
                     "PATCH",
                     "/v1/" + kOrg + "?updateMask=displayName",
                     R"({"displayName":"新名称"})",
                     out.SerializeAsString(),
                     {kOrg},
                     {kOrg}});
  }
  {
    v1::DeleteOrganizationRequest r;
    r.set_name(kOrg);
    v1::Organization out;
    out.set_name(kOrg);
    cases.push_back({"DeleteOrganization",
                     r.SerializeAsString(),
                     "DELETE",
                     "/v1/" + kOrg,
                     "",
                     out.SerializeAsString(),
                     {kOrg},
                     {kOrg}});
  }
  {
    v1::UndeleteOrganizationRequest r;
    r.set_name(kOrg);
    v1::Organization out;
    out.set_name(kOrg);
    cases.push_back({"UndeleteOrganization",
                     r.SerializeAsString(),
                     "POST",
                     "/v1/" + kOrg + ":undelete",
                     "{}",
                     out.SerializeAsString(),
                     {kOrg},
                     {kOrg}});
  }
  {
    v1::RevealContactsRequest r;
    r.set_name(kOrg);
    r.set_reason("follow-up");
    v1::RevealContactsResponse out;
    cases.push_back({"RevealContacts",
                     r.SerializeAsString(),
                     "POST",
                     "/v1/" + kOrg + ":revealContacts",
                     R"({"reason":"follow-up"})",
                     out.SerializeAsString(),
                     {kOrg},
                     {kOrg}});
  }
  {
    const std::string old = kOrg + "/assessments/7";
    const std::string fixed = kOrg + "/assessments/8";
    v1::CorrectSelfAssessmentRequest r;
    r.set_name(old);
    r.set_reason("mis-scored");
    r.mutable_self_assessment()->set_assessor_certificate("ZJPS-1");
    v1::SelfAssessment out;
    out.set_name(fixed);
    cases.push_back({"CorrectSelfAssessment",
                     r.SerializeAsString(),
                     "POST",
                     "/v1/" + old + ":correct",
                     R"({"reason":"mis-scored","selfAssessment":{}})",
                     out.SerializeAsString(),
                     {old},
                     {fixed, old}});  // the answer's name comes first
  }
  {
    const std::string name = kOrg + "/assessments/7";
    v1::WithdrawSelfAssessmentRequest r;
    r.set_name(name);
    r.set_reason("duplicate");
    v1::SelfAssessment out;
    out.set_name(name);
    cases.push_back({"WithdrawSelfAssessment",
                     r.SerializeAsString(),
                     "POST",
                     "/v1/" + name + ":withdraw",
                     R"({"reason":"duplicate"})",
                     out.SerializeAsString(),
                     {name},
                     {name}});
  }
  {
    v1::SetAdoptionStatusRequest r;
    r.set_name(kOrg);
    r.set_adoption_status(v1::ADOPTION_STATUS_INTRODUCING);
    v1::Organization out;
    out.set_name(kOrg);
    cases.push_back({"SetAdoptionStatus",
                     r.SerializeAsString(),
                     "POST",
                     "/v1/" + kOrg + ":setAdoptionStatus",
                     R"({"adoptionStatus":"ADOPTION_STATUS_INTRODUCING"})",
                     out.SerializeAsString(),
                     {kOrg},
                     {kOrg}});
  }
  {
    // Ten rows: the first eight names are listed, all ten counted.
    v1::BatchCreateOrganizationsRequest r;
    std::string json = R"({"organizations":[)";
    Names names;
    for (int i = 0; i < 10; ++i) {
      *r.add_organizations() = Org(Uscc(i));
      absl::StrAppend(&json, i > 0 ? "," : "", R"({"uscc":")", Uscc(i),
                      R"("})");
      if (i < 8) names.push_back("organizations/" + Uscc(i));
    }
    json += "]}";
    v1::BatchCreateOrganizationsResponse out;
    out.set_created_count(10);
    cases.push_back({"BatchCreateOrganizations", r.SerializeAsString(), "POST",
                     "/v1/organizations:batchCreate", json,
                     out.SerializeAsString(), names, names, 10});
  }
  {
    // A client stream; over HTTP the gateway answers 501 without reading
    // the body (tested end to end), so only the gRPC form is here.
    v1::ImportOrganizationsRequest r;
    *r.add_organizations() = Org(Uscc(1));
    *r.add_organizations() = Org(Uscc(2));
    cases.push_back({"ImportOrganizations",
                     r.SerializeAsString(),
                     "",
                     "",
                     "",
                     "",
                     {"organizations/" + Uscc(1), "organizations/" + Uscc(2)},
                     {"organizations/" + Uscc(1), "organizations/" + Uscc(2)}});
  }
  {
    v1::CreateAwardRecordRequest r;
    r.set_parent(kOrg);
    r.mutable_award_record()->set_year(2025);
    r.mutable_award_record()->set_category("服务业");
    v1::AwardRecord out;
    out.set_name(kOrg + "/awards/2025");
    cases.push_back({"CreateAwardRecord",
                     r.SerializeAsString(),
                     "POST",
                     "/v1/" + kOrg + "/awards",
                     R"({"year":2025,"category":"服务业"})",
                     out.SerializeAsString(),
                     {kOrg + "/awards"},
                     {kOrg + "/awards/2025"}});
  }
  {
    v1::DeleteAwardRecordRequest r;
    r.set_name(kOrg + "/awards/2025");
    cases.push_back({"DeleteAwardRecord",
                     r.SerializeAsString(),
                     "DELETE",
                     "/v1/" + kOrg + "/awards/2025",
                     "",
                     "",
                     {kOrg + "/awards/2025"},
                     {kOrg + "/awards/2025"}});
  }
  {
    v1::CreateSelfAssessmentRequest r;
    r.set_parent(kOrg);
    r.mutable_self_assessment()->set_assessor_certificate("ZJPS-2026-0001");
    v1::SelfAssessment out;
    out.set_name(kOrg + "/assessments/17");
    cases.push_back({"CreateSelfAssessment",
                     r.SerializeAsString(),
                     "POST",
                     "/v1/" + kOrg + "/assessments",
                     R"({"assessorCertificate":"ZJPS-2026-0001"})",
                     out.SerializeAsString(),
                     {kOrg + "/assessments"},
                     {kOrg + "/assessments/17"}});
  }
  {
    v1::CreateBenchmarkDesignationRequest r;
    r.set_parent(kOrg);
    r.mutable_benchmark_designation()->set_year(2026);
    v1::BenchmarkDesignation out;
    out.set_name(kOrg + "/benchmarks/2026");
    cases.push_back({"CreateBenchmarkDesignation",
                     r.SerializeAsString(),
                     "POST",
                     "/v1/" + kOrg + "/benchmarks",
                     R"({"year":2026})",
                     out.SerializeAsString(),
                     {kOrg + "/benchmarks"},
                     {kOrg + "/benchmarks/2026"}});
  }
  {
    v1::DeleteBenchmarkDesignationRequest r;
    r.set_name(kOrg + "/benchmarks/2026");
    cases.push_back({"DeleteBenchmarkDesignation",
                     r.SerializeAsString(),
                     "DELETE",
                     "/v1/" + kOrg + "/benchmarks/2026",
                     "",
                     "",
                     {kOrg + "/benchmarks/2026"},
                     {kOrg + "/benchmarks/2026"}});
  }
  {
    // The partnership's id is its partner's code, known only once created:
    // the collection before, the name after.
    v1::CreatePartnershipRequest r;
    r.mutable_partnership()->set_partner(kOrg);
    r.mutable_partnership()->add_industry_codes("65");
    v1::Partnership out;
    out.set_name(absl::StrCat("partnerships/", kUscc));
    cases.push_back({"CreatePartnership",
                     r.SerializeAsString(),
                     "POST",
                     "/v1/partnerships",
                     R"({"partner":")" + kOrg + R"(","industryCodes":["65"]})",
                     out.SerializeAsString(),
                     {"partnerships"},
                     {absl::StrCat("partnerships/", kUscc)}});
  }
  {
    v1::UpdatePartnershipRequest r;
    r.mutable_partnership()->set_name(absl::StrCat("partnerships/", kUscc));
    r.mutable_partnership()->set_remarks("更新");
    r.mutable_update_mask()->add_paths("remarks");
    v1::Partnership out;
    out.set_name(absl::StrCat("partnerships/", kUscc));
    cases.push_back(
        {"UpdatePartnership",
         r.SerializeAsString(),
         "PATCH",
         absl::StrCat("/v1/partnerships/", kUscc, "?updateMask=remarks"),
         R"({"remarks":"更新"})",
         out.SerializeAsString(),
         {absl::StrCat("partnerships/", kUscc)},
         {absl::StrCat("partnerships/", kUscc)}});
  }
  {
    v1::DeletePartnershipRequest r;
    r.set_name(absl::StrCat("partnerships/", kUscc));
    cases.push_back({"DeletePartnership",
                     r.SerializeAsString(),
                     "DELETE",
                     absl::StrCat("/v1/partnerships/", kUscc),
                     "",
                     "",
                     {absl::StrCat("partnerships/", kUscc)},
                     {absl::StrCat("partnerships/", kUscc)}});
  }
  return cases;
}

const google::protobuf::ServiceDescriptor* Registry() {
  return v1::GetOrganizationRequest::descriptor()->file()->FindServiceByName(
      "RegistryService");
}

TEST(ResourceNames, EveryRegistryMutationHasACase) {
  std::set<std::string> mutations, covered;
  for (int i = 0; i < Registry()->method_count(); ++i) {
    if (IsMutationName(Registry()->method(i)->name())) {
      mutations.insert(Registry()->method(i)->name());
    }
  }
  for (const Case& c : RegistryMutations()) covered.insert(c.method);
  EXPECT_EQ(mutations, covered);
}

TEST(ResourceNames, EveryRegistryMutationNamesItsResourceOverGrpcAndHttp) {
  Transcoder transcoder;
  ASSERT_TRUE(transcoder.AddService(Registry()).ok());
  for (const Case& c : RegistryMutations()) {
    SCOPED_TRACE(c.method);
    const auto* method = Registry()->FindMethodByName(c.method);
    ASSERT_NE(method, nullptr);
    const ResourceRule rule = ResourceRule::ForMethod(method);
    std::vector<std::pair<std::string, std::string>> requests = {
        {"grpc", c.grpc_request}};
    if (!c.verb.empty()) {
      auto match = transcoder.Match(c.verb, c.path.substr(0, c.path.find('?')));
      ASSERT_TRUE(match.ok()) << match.status();
      ASSERT_EQ(match->route->method, method);
      const size_t q = c.path.find('?');
      std::string bytes;
      ASSERT_TRUE(
          transcoder
              .BuildRequest(*match,
                            q == std::string::npos
                                ? absl::string_view()
                                : absl::string_view(c.path).substr(q + 1),
                            c.body, &bytes)
              .ok());
      requests.emplace_back("http", bytes);
    }
    for (const auto& [protocol, bytes] : requests) {
      SCOPED_TRACE(protocol);
      CallResources resources;
      rule.AddRequest(bytes, &resources);
      EXPECT_EQ(resources.names, c.before);
      rule.AddResponse(c.response, &resources);
      EXPECT_EQ(resources.names, c.after);
      EXPECT_EQ(resources.count,
                c.count > 0 ? c.count : static_cast<int64_t>(c.after.size()));
    }
  }
}

TEST(ResourceNames, ImportStreamsCountEveryRowOfEveryMessage) {
  const ResourceRule rule = ResourceRule::ForMethod(
      Registry()->FindMethodByName("ImportOrganizations"));
  CallResources resources;
  for (int chunk = 0; chunk < 3; ++chunk) {
    v1::ImportOrganizationsRequest r;
    for (int i = 0; i < 4; ++i)
      *r.add_organizations() = Org(Uscc(chunk * 4 + i));
    rule.AddRequest(r.SerializeAsString(), &resources);
  }
  ASSERT_EQ(resources.names.size(), kMaxAuditResources);
  EXPECT_EQ(resources.names.front(), "organizations/" + Uscc(0));
  EXPECT_EQ(resources.count, 12);
}

TEST(ResourceNames, ReadsNameTheirResourceOrParent) {
  v1::GetOrganizationRequest get;
  get.set_name(kOrg);
  v1::ListAwardRecordsRequest list;
  list.set_parent(kOrg);
  list.set_page_token("opaque");
  for (const auto& [method, bytes] :
       std::vector<std::pair<std::string, std::string>>{
           {"GetOrganization", get.SerializeAsString()},
           {"ListAwardRecords", list.SerializeAsString()}}) {
    CallResources resources;
    ResourceRule::ForMethod(Registry()->FindMethodByName(method))
        .AddRequest(bytes, &resources);
    EXPECT_EQ(resources.names, Names{kOrg}) << method;
  }
  // A list of everything names nothing.
  CallResources none;
  ResourceRule::ForMethod(Registry()->FindMethodByName("ListOrganizations"))
      .AddRequest(v1::ListOrganizationsRequest().SerializeAsString(), &none);
  EXPECT_TRUE(none.names.empty());
}

TEST(ResourceNames, ACreateWithoutItsKeyNamesTheCollection) {
  // The registry refuses it; the line still says what was attempted.
  v1::CreateOrganizationRequest r;
  r.mutable_organization()->set_display_name("无代码");
  CallResources resources;
  ResourceRule::ForMethod(Registry()->FindMethodByName("CreateOrganization"))
      .AddRequest(r.SerializeAsString(), &resources);
  EXPECT_EQ(resources.names, Names{"organizations"});
}

TEST(ResourceNames, ANameSentToACreateIsNotBelieved) {
  // The registry ignores it (output only); so does the audit line.
  v1::CreateOrganizationRequest r;
  *r.mutable_organization() = Org(kUscc);
  r.mutable_organization()->set_name("organizations/SOMEONE-ELSE");
  v1::BatchCreateOrganizationsRequest batch;
  *batch.add_organizations() = r.organization();
  for (const auto& [method, bytes] :
       std::vector<std::pair<std::string, std::string>>{
           {"CreateOrganization", r.SerializeAsString()},
           {"BatchCreateOrganizations", batch.SerializeAsString()}}) {
    CallResources resources;
    ResourceRule::ForMethod(Registry()->FindMethodByName(method))
        .AddRequest(bytes, &resources);
    EXPECT_EQ(resources.names, Names{kOrg}) << method;
  }
}

TEST(ResourceNames, DamagedBytesNameWhatWasReadAndNeverCrash) {
  const ResourceRule rule = ResourceRule::ForMethod(
      Registry()->FindMethodByName("CreateAwardRecord"));
  v1::CreateAwardRecordRequest r;
  r.set_parent(kOrg);
  const std::string good = r.SerializeAsString();
  for (const std::string& bytes :
       {std::string("\xff\xff\xff\xff\x0f\x0a\x05", 7), good + "\x12\x7f",
        std::string("\x12\x80\x80\x80\x80\x10", 6), std::string()}) {
    CallResources resources;
    rule.AddRequest(bytes, &resources);
    rule.AddResponse(bytes, &resources);
    EXPECT_LE(resources.names.size(), 1u);
  }
  CallResources resources;
  rule.AddRequest(good + "\x12\x7f", &resources);
  EXPECT_EQ(resources.names, Names{kOrg});
}

TEST(ResourceNames, CollectionTemplates) {
  std::vector<std::string> pieces;
  ASSERT_TRUE(ParseCollectionTemplate("/v1/organizations", &pieces));
  EXPECT_EQ(pieces, Names{"organizations"});
  ASSERT_TRUE(
      ParseCollectionTemplate("/v1/{parent=organizations/*}/awards", &pieces));
  EXPECT_EQ(pieces, (Names{"{parent}", "awards"}));
  ASSERT_TRUE(
      ParseCollectionTemplate("/v1/organizations:batchCreate", &pieces));
  EXPECT_EQ(pieces, Names{"organizations"});
  ASSERT_TRUE(ParseCollectionTemplate("/v2beta/{parent}/trainees", &pieces));
  EXPECT_EQ(pieces, (Names{"{parent}", "trainees"}));
  ASSERT_TRUE(ParseCollectionTemplate("/shelves/books", &pieces));
  EXPECT_EQ(pieces, (Names{"shelves", "books"}));
  for (const char* no :
       {"", "v1/organizations", "/v1/{name=organizations/*}",
        "/v1/{organization.name=organizations/*}", "/v1/{parent}",
        "/v1/organizations/*/awards", "/v1//x", "/v1/{parent=a/*"}) {
    EXPECT_FALSE(ParseCollectionTemplate(no, &pieces)) << no;
  }
}

// A service the gateway was not written for, declared the AIP-133 way:
// CreateBook(parent, book, book_id) under publishers/*/books.
class UnknownServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    google::protobuf::FileDescriptorProto file;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
        R"pb(
          name: "example/library.proto"
          package: "example.v1"
          syntax: "proto3"
          message_type {
            name: "Book"
            field {
              name: "name"
              number: 1
              type: TYPE_STRING
              label: LABEL_OPTIONAL
            }
            field {
              name: "title"
              number: 2
              type: TYPE_STRING
              label: LABEL_OPTIONAL
            }
          }
          message_type {
            name: "CreateBookRequest"
            field {
              name: "parent"
              number: 1
              type: TYPE_STRING
              label: LABEL_OPTIONAL
            }
            field {
              name: "book"
              number: 2
              type: TYPE_MESSAGE
              label: LABEL_OPTIONAL
              type_name: ".example.v1.Book"
            }
            field {
              name: "book_id"
              number: 3
              type: TYPE_STRING
              label: LABEL_OPTIONAL
            }
          }
          service {
            name: "Library"
            method {
              name: "CreateBook"
              input_type: ".example.v1.CreateBookRequest"
              output_type: ".example.v1.Book"
              options {
                [google.api.http] {
                  post: "/v1/{parent=publishers/*}/books"
                  body: "book"
                }
              }
            }
          }
        )pb",
        &file));
    file_ = pool_.BuildFile(file);
    ASSERT_NE(file_, nullptr);
  }

  std::string Request(const std::string& parent, const std::string& id) {
    const auto* type =
        pool_.FindMessageTypeByName("example.v1.CreateBookRequest");
    std::unique_ptr<google::protobuf::Message> m(
        factory_.GetPrototype(type)->New());
    const auto* reflection = m->GetReflection();
    reflection->SetString(m.get(), type->FindFieldByName("parent"), parent);
    reflection->SetString(m.get(), type->FindFieldByName("book_id"), id);
    google::protobuf::Message* book =
        reflection->MutableMessage(m.get(), type->FindFieldByName("book"));
    book->GetReflection()->SetString(
        book, book->GetDescriptor()->FindFieldByName("title"), "Dream");
    return m->SerializeAsString();
  }

  google::protobuf::DescriptorPool pool_;
  google::protobuf::DynamicMessageFactory factory_;
  const google::protobuf::FileDescriptor* file_ = nullptr;
};

TEST_F(UnknownServiceTest, CreateIsNamedByTheParentCollectionAndItsId) {
  const ResourceRule rule = ResourceRule::ForMethod(
      file_->service(0)->FindMethodByName("CreateBook"));
  CallResources resources;
  rule.AddRequest(Request("publishers/p1", "b1"), &resources);
  EXPECT_EQ(resources.names, Names{"publishers/p1/books/b1"});
  CallResources no_id;
  rule.AddRequest(Request("publishers/p1", ""), &no_id);
  EXPECT_EQ(no_id.names, Names{"publishers/p1/books"});
}

TEST(CallResources, KeepsDistinctNamesUpToTheLimitAndCountsAll) {
  CallResources r;
  EXPECT_EQ(r.Add(""), -1);
  EXPECT_EQ(r.Add("a"), 0);
  EXPECT_EQ(r.Add("a"), 0);
  for (int i = 0; i < 20; ++i) r.Add(absl::StrCat("n", i));
  EXPECT_EQ(r.names.size(), kMaxAuditResources);
  EXPECT_EQ(r.count, 22);
}

}  // namespace
}  // namespace qpp::gateway
