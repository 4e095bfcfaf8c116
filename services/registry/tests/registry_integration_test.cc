// The registry service on a real MariaDB, called over an in-process gRPC
// channel: statuses, stored rows, concurrency and idempotency.

#include <atomic>
#include <map>
#include <set>
#include <thread>
#include <utility>

#include "absl/strings/str_format.h"
#include "common/crypto/cipher.h"
#include "common/dates/dates.h"
#include "common/db/db.h"
#include "common/db/migrations.h"
#include "common/server/executor.h"
#include "common/server/server.h"
#include "common/status/grpc_status.h"
#include "common/status/status.h"
#include "common/testing/database_test.h"
#include "common/testing/test_db.h"
#include "common/validation/uscc.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/registry/src/migrations.h"
#include "services/registry/src/registry.h"
#include "services/registry/src/registry_service.h"
#include "services/registry/tests/registry_test_fixture.h"

namespace qpp::registry {
namespace {

using google::protobuf::util::MessageDifferencer;

TEST_F(RegistryIntegrationTest, CreateThenGetRoundTripsChineseTextAndMasks) {
  v1::Organization org = NewOrg(1);
  org.set_display_name("深圳市𠮷祥质量🚀研究院（南山）");  // 4-byte UTF-8
  auto* contact = org.add_contacts();
  contact->set_display_name("欧阳娜娜");
  contact->set_phone("13812345678");
  contact->set_role("质量负责人");
  v1::Organization created, got;
  ASSERT_TRUE(Create(org, &created).ok());
  ASSERT_TRUE(Get(org.uscc(), &got).ok());
  EXPECT_EQ(got.display_name(), org.display_name());
  EXPECT_EQ(got.size_class(), v1::SIZE_CLASS_MEDIUM);
  EXPECT_EQ(got.industry_section(), "I");
  ASSERT_EQ(got.contacts_size(), 1);
  EXPECT_EQ(got.contacts(0).display_name(), "欧***");
  EXPECT_EQ(got.contacts(0).phone(), "138****5678");
  EXPECT_EQ(got.contacts(0).role(), "质量负责人");
  EXPECT_TRUE(MessageDifferencer::Equals(created, got));
  // At rest the phone is ciphertext, not text.
  auto rows =
      db_->Query("SELECT display_name, contacts_encrypted FROM organizations");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].String(0), org.display_name());
  EXPECT_EQ((*rows)[0].String(1).find("13812345678"), std::string::npos);
  EXPECT_EQ((*rows)[0].String(1).find("欧阳"), std::string::npos);
}

TEST_F(RegistryIntegrationTest, EnterpriseWithoutFiguresHasNoSizeClass) {
  v1::Organization org = NewOrg(2);
  org.set_employees(0);
  org.set_annual_revenue_yuan(0);
  org.set_total_assets_yuan(0);
  v1::Organization created;
  ASSERT_TRUE(Create(org, &created).ok());
  EXPECT_EQ(created.size_class(), v1::SIZE_CLASS_UNSPECIFIED);
  EXPECT_EQ(created.size_rule_version(), "");
  v1::Organization got;
  ASSERT_TRUE(Get(org.uscc(), &got).ok());
  EXPECT_EQ(got.size_class(), v1::SIZE_CLASS_UNSPECIFIED);
}

TEST_F(RegistryIntegrationTest, RetryWithSameRequestIdWritesOnceSameAnswer) {
  const std::string id = "6f1c2a3e-8d4b-4c55-9a1e-0b7f3c2d1e00";
  v1::Organization first, second;
  ASSERT_TRUE(Create(NewOrg(2), &first, id).ok());
  ASSERT_TRUE(Create(NewOrg(2), &second, id).ok());  // replay, not a conflict
  EXPECT_TRUE(MessageDifferencer::Equals(first, second));
  EXPECT_EQ(CountRows("organizations"), 1);
  // Without the id the same body is a duplicate.
  v1::Organization third;
  EXPECT_EQ(Create(NewOrg(2), &third).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(RegistryIntegrationTest, RequestIdReusedForAnotherRequestIsRejected) {
  const std::string id = "req-3";
  v1::Organization out;
  ASSERT_TRUE(Create(NewOrg(3), &out, id).ok());
  grpc::Status s = Create(NewOrg(4), &out, id);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("request_id"), std::string::npos);
  EXPECT_EQ(CountRows("organizations"), 1);
}

TEST_F(RegistryIntegrationTest, ConcurrentRetriesWithOneRequestIdCreateOneRow) {
  const std::string id = "concurrent-retry-1";
  constexpr int kThreads = 8;
  std::vector<v1::Organization> results(kThreads);
  std::vector<grpc::Status> statuses(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back(
        [&, i] { statuses[i] = Create(NewOrg(5), &results[i], id); });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) {
    ASSERT_TRUE(statuses[i].ok()) << statuses[i].error_message();
    EXPECT_TRUE(MessageDifferencer::Equals(results[0], results[i]));
  }
  EXPECT_EQ(CountRows("organizations"), 1);
  EXPECT_EQ(CountRows("idempotency_keys"), 1);
}

TEST_F(RegistryIntegrationTest, TwoUpdatesWithTheSameEtagExactlyOneWins) {
  v1::Organization created;
  ASSERT_TRUE(Create(NewOrg(6), &created).ok());
  std::atomic<int> ok{0}, aborted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      grpc::ClientContext ctx;
      v1::UpdateOrganizationRequest req;
      *req.mutable_organization() = created;  // same etag for both
      req.mutable_organization()->set_employees(200 + i);
      req.mutable_update_mask()->add_paths("employees");
      v1::Organization out;
      grpc::Status s = stub_->UpdateOrganization(&ctx, req, &out);
      if (s.ok()) ++ok;
      if (s.error_code() == grpc::StatusCode::ABORTED) ++aborted;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(aborted.load(), 1);
  v1::Organization got;
  ASSERT_TRUE(Get(created.uscc(), &got).ok());
  EXPECT_EQ(got.etag(), "\"2\"");
}

TEST_F(RegistryIntegrationTest, BadInputsGetInvalidArgumentAndWriteNothing) {
  struct Case {
    const char* what;
    std::function<void(v1::Organization&)> spoil;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"bad check character", [](auto& o) { o.set_uscc("914403001922038217"); },
       "organization.uscc"},
      {"SQL in the USCC", [](auto& o) { o.set_uscc("'; DROP TABLE x;--"); },
       "organization.uscc"},
      {"unknown district", [](auto& o) { o.set_district_code("110101"); },
       "organization.district_code"},
      {"negative revenue", [](auto& o) { o.set_annual_revenue_yuan(-1); },
       "organization.annual_revenue_yuan"},
      {"5000-character name",
       [](auto& o) { o.set_display_name(std::string(5000, 'a')); },
       "organization.display_name"},
      {"invalid UTF-8 name",
       [](auto& o) { o.set_display_name("bad \xff\xfe name"); },
       ""},  // refused while parsing, before any field is looked at
      {"unknown industry", [](auto& o) { o.set_industry_code("98"); },
       "organization.industry_code"},
      {"no kind",
       [](auto& o) { o.set_kind(v1::ORGANIZATION_KIND_UNSPECIFIED); },
       "organization.kind"},
      {"undefined enum value",
       [](auto& o) { o.set_kind(static_cast<v1::OrganizationKind>(99)); },
       "organization.kind"},
      {"bad phone",
       [](auto& o) {
         auto* c = o.add_contacts();
         c->set_display_name("李四");
         c->set_phone("call me");
       },
       "organization.contacts[0].phone"},
  };
  for (const auto& c : cases) {
    v1::Organization org = NewOrg(7);
    c.spoil(org);
    grpc::ClientContext ctx;
    v1::CreateOrganizationRequest req;
    *req.mutable_organization() = org;
    v1::Organization out;
    grpc::Status s = stub_->CreateOrganization(&ctx, req, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.what << ": " << s.error_message();
    bool named = false;
    for (const auto& v : status::FieldViolationsOf(status::FromGrpcStatus(s))) {
      named |= v.field == c.field;
    }
    EXPECT_TRUE(named || c.field[0] == '\0')
        << c.what << ": " << s.error_message();
    EXPECT_FALSE(s.error_message().empty()) << c.what;
    EXPECT_EQ(s.error_message().find("SQL"), std::string::npos);
  }
  EXPECT_EQ(CountRows("organizations"), 0);
  EXPECT_EQ(CountRows("idempotency_keys"), 0);

  // SQL-looking text in a free-text field is just text.
  v1::Organization org = NewOrg(8);
  org.set_display_name("x'); DROP TABLE organizations; --");
  v1::Organization out;
  ASSERT_TRUE(Create(org, &out).ok());
  ASSERT_TRUE(Get(org.uscc(), &out).ok());
  EXPECT_EQ(out.display_name(), org.display_name());
  EXPECT_EQ(CountRows("organizations"), 1);
}

TEST_F(RegistryIntegrationTest, GetOfMissingOrMalformedNames) {
  v1::Organization out;
  EXPECT_EQ(Get(Uscc(9), &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get("nonsense", &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(RegistryIntegrationTest, ListFiltersAndPagesWithoutGapsOrRepeats) {
  for (int i = 0; i < 25; ++i) {
    v1::Organization out;
    ASSERT_TRUE(
        Create(NewOrg(100 + i, i % 2 ? "440303" : "440305"), &out).ok());
  }
  std::set<std::string> seen;
  v1::ListOrganizationsRequest req;
  req.set_page_size(7);
  int pages = 0;
  do {
    grpc::ClientContext ctx;
    v1::ListOrganizationsResponse resp;
    ASSERT_TRUE(stub_->ListOrganizations(&ctx, req, &resp).ok());
    for (const auto& o : resp.organizations()) {
      EXPECT_TRUE(seen.insert(o.uscc()).second) << "repeated " << o.uscc();
    }
    req.set_page_token(resp.next_page_token());
    ++pages;
  } while (!req.page_token().empty() && pages < 10);
  EXPECT_EQ(seen.size(), 25u);
  EXPECT_EQ(pages, 4);

  v1::ListOrganizationsRequest filtered;
  filtered.set_district_code("440303");
  filtered.set_name_query("测试10");  // 100..109 minus even ones
  grpc::ClientContext ctx;
  v1::ListOrganizationsResponse resp;
  ASSERT_TRUE(stub_->ListOrganizations(&ctx, filtered, &resp).ok());
  EXPECT_EQ(resp.organizations_size(), 5);

  // A token from one query is refused for another.
  v1::ListOrganizationsRequest first;
  first.set_page_size(5);
  grpc::ClientContext c1;
  v1::ListOrganizationsResponse r1;
  ASSERT_TRUE(stub_->ListOrganizations(&c1, first, &r1).ok());
  filtered.set_page_token(r1.next_page_token());
  grpc::ClientContext c2;
  EXPECT_EQ(stub_->ListOrganizations(&c2, filtered, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // LIKE wildcards in the query match literally.
  v1::ListOrganizationsRequest wildcard;
  wildcard.set_name_query("%");
  grpc::ClientContext c3;
  ASSERT_TRUE(stub_->ListOrganizations(&c3, wildcard, &resp).ok());
  EXPECT_EQ(resp.organizations_size(), 0);
}

TEST_F(RegistryIntegrationTest, ArchiveHidesAndBlocksUntilUndeleted) {
  v1::Organization created;
  ASSERT_TRUE(Create(NewOrg(10), &created).ok());
  {
    grpc::ClientContext ctx;
    v1::DeleteOrganizationRequest req;
    req.set_name(created.name());
    req.set_etag("\"99\"");
    v1::Organization out;
    EXPECT_EQ(stub_->DeleteOrganization(&ctx, req, &out).error_code(),
              grpc::StatusCode::ABORTED);
  }
  grpc::ClientContext ctx;
  v1::DeleteOrganizationRequest req;
  req.set_name(created.name());
  v1::Organization archived;
  ASSERT_TRUE(stub_->DeleteOrganization(&ctx, req, &archived).ok());
  EXPECT_EQ(archived.state(), v1::ORGANIZATION_STATE_ARCHIVED);
  EXPECT_TRUE(archived.has_delete_time());

  grpc::ClientContext lctx;
  v1::ListOrganizationsResponse list;
  ASSERT_TRUE(stub_->ListOrganizations(&lctx, {}, &list).ok());
  EXPECT_EQ(list.organizations_size(), 0);
  EXPECT_EQ(
      Advance(created.uscc(), v1::ADOPTION_STATUS_INTRODUCING).error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);

  grpc::ClientContext uctx;
  v1::UndeleteOrganizationRequest ureq;
  ureq.set_name(created.name());
  v1::Organization restored;
  ASSERT_TRUE(stub_->UndeleteOrganization(&uctx, ureq, &restored).ok());
  EXPECT_EQ(restored.state(), v1::ORGANIZATION_STATE_ACTIVE);
  EXPECT_TRUE(Advance(created.uscc(), v1::ADOPTION_STATUS_INTRODUCING).ok());
}

TEST_F(RegistryIntegrationTest, AwardsBenchmarksAndTheirPreconditions) {
  v1::Organization created;
  ASSERT_TRUE(Create(NewOrg(11), &created).ok());
  v1::AwardRecord award;
  award.set_year(2025);
  award.set_level(v1::AWARD_LEVEL_GRAND_AWARD);
  award.set_category("服务业");
  for (auto expected :
       {grpc::StatusCode::OK, grpc::StatusCode::ALREADY_EXISTS}) {
    grpc::ClientContext ctx;
    v1::CreateAwardRecordRequest req;
    req.set_parent(created.name());
    *req.mutable_award_record() = award;
    v1::AwardRecord out;
    EXPECT_EQ(stub_->CreateAwardRecord(&ctx, req, &out).error_code(), expected);
  }
  v1::ListOrganizationsRequest by_award;
  by_award.set_award_level(v1::AWARD_LEVEL_GRAND_AWARD);
  grpc::ClientContext lctx;
  v1::ListOrganizationsResponse list;
  ASSERT_TRUE(stub_->ListOrganizations(&lctx, by_award, &list).ok());
  EXPECT_EQ(list.organizations_size(), 1);

  auto designate = [&](int year) {
    grpc::ClientContext ctx;
    v1::CreateBenchmarkDesignationRequest req;
    req.set_parent(created.name());
    req.mutable_benchmark_designation()->set_year(year);
    v1::BenchmarkDesignation out;
    return stub_->CreateBenchmarkDesignation(&ctx, req, &out);
  };
  EXPECT_EQ(designate(2026).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);  // not adopted yet
  ASSERT_TRUE(Advance(created.uscc(), v1::ADOPTION_STATUS_ADOPTED).ok());
  ASSERT_TRUE(designate(2026).ok());
  v1::Organization got;
  ASSERT_TRUE(Get(created.uscc(), &got).ok());
  EXPECT_EQ(got.adoption_status(), v1::ADOPTION_STATUS_BENCHMARK);

  grpc::ClientContext cctx;
  v1::GetTargetCountsRequest creq;
  creq.set_year(2026);
  v1::TargetCounts counts;
  ASSERT_TRUE(stub_->GetTargetCounts(&cctx, creq, &counts).ok());
  EXPECT_EQ(counts.benchmarks_in_year(), 1);
  EXPECT_EQ(counts.benchmarks_to_date(), 1);
  EXPECT_EQ(counts.introduced_model(), 1);
  EXPECT_EQ(counts.awards_in_year(), 0);  // the award was 2025

  grpc::ClientContext dctx;
  v1::DeleteBenchmarkDesignationRequest dreq;
  dreq.set_name(created.name() + "/benchmarks/2026");
  v1::DeleteBenchmarkDesignationResponse dresp;
  ASSERT_TRUE(stub_->DeleteBenchmarkDesignation(&dctx, dreq, &dresp).ok());
  ASSERT_TRUE(Get(created.uscc(), &got).ok());
  EXPECT_EQ(got.adoption_status(), v1::ADOPTION_STATUS_ADOPTED);
  EXPECT_FALSE(got.adoption_history().has_benchmark_date());
}

TEST_F(RegistryIntegrationTest, SelfAssessmentsScoreAndCountImprovement) {
  v1::Organization created;
  ASSERT_TRUE(Create(NewOrg(12), &created).ok());
  grpc::ClientContext sctx;
  v1::GetScoreSheetRequest sreq;
  sreq.set_name("scoreSheets/current");
  v1::ScoreSheet sheet;
  ASSERT_TRUE(stub_->GetScoreSheet(&sctx, sreq, &sheet).ok());
  ASSERT_EQ(sheet.items_size(), 23);
  int max_total = 0;
  for (const auto& i : sheet.items()) max_total += i.max_points();
  EXPECT_EQ(max_total, 1000);

  auto assess = [&](int month, int percent) {
    grpc::ClientContext ctx;
    v1::CreateSelfAssessmentRequest req;
    req.set_parent(created.name());
    auto* a = req.mutable_self_assessment();
    *a->mutable_assessment_date() =
        dates::ToDate(absl::CivilDay(2026, month, 1));
    a->set_assessor_certificate("ZJPS-2026-0001");
    for (const auto& i : sheet.items()) {
      auto* item = a->add_items();
      item->set_item_code(i.item_code());
      item->set_percent(percent);
    }
    v1::SelfAssessment out;
    EXPECT_TRUE(stub_->CreateSelfAssessment(&ctx, req, &out).ok());
    return out;
  };
  EXPECT_DOUBLE_EQ(assess(1, 40).total_points(), 400);
  const v1::SelfAssessment later = assess(6, 50);
  EXPECT_DOUBLE_EQ(later.total_points(), 500);

  grpc::ClientContext gctx;
  v1::GetSelfAssessmentRequest greq;
  greq.set_name(later.name());
  v1::SelfAssessment got;
  ASSERT_TRUE(stub_->GetSelfAssessment(&gctx, greq, &got).ok());
  EXPECT_DOUBLE_EQ(got.total_points(), 500);
  EXPECT_EQ(got.categories_size(), 7);

  grpc::ClientContext cctx;
  v1::GetTargetCountsRequest creq;
  creq.set_year(2026);
  v1::TargetCounts counts;
  ASSERT_TRUE(stub_->GetTargetCounts(&cctx, creq, &counts).ok());
  EXPECT_EQ(counts.improved_enterprises(), 1);  // +100 >= 50
}

TEST_F(RegistryIntegrationTest, PartnershipsNeedAnAssociationAndKnownMembers) {
  v1::Organization member, association = NewOrg(13), out;
  association.set_kind(v1::ORGANIZATION_KIND_INDUSTRY_ASSOCIATION);
  ASSERT_TRUE(Create(association, &out).ok());
  ASSERT_TRUE(Create(NewOrg(14), &member).ok());
  auto create = [&](const std::string& partner,
                    const std::vector<std::string>& members) {
    grpc::ClientContext ctx;
    v1::CreatePartnershipRequest req;
    req.mutable_partnership()->set_partner("organizations/" + partner);
    req.mutable_partnership()->add_industry_codes("65");
    for (const auto& m : members) req.mutable_partnership()->add_members(m);
    v1::Partnership p;
    return stub_->CreatePartnership(&ctx, req, &p);
  };
  EXPECT_EQ(create(Uscc(14), {}).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);  // an enterprise
  EXPECT_EQ(create(Uscc(13), {"organizations/" + Uscc(15)}).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // unregistered member
  ASSERT_TRUE(create(Uscc(13), {member.name()}).ok());
  grpc::ClientContext ctx;
  v1::ListPartnershipsRequest lreq;
  lreq.set_industry_code("65");
  v1::ListPartnershipsResponse list;
  ASSERT_TRUE(stub_->ListPartnerships(&ctx, lreq, &list).ok());
  ASSERT_EQ(list.partnerships_size(), 1);
  EXPECT_EQ(list.partnerships(0).members(0), member.name());
}

TEST_F(RegistryIntegrationTest, BatchCreateReportsEachRowAndReplays) {
  v1::BatchCreateOrganizationsRequest req;
  req.set_request_id("batch-1");
  *req.add_organizations() = NewOrg(20);
  *req.add_organizations() = NewOrg(21);
  req.add_organizations()->set_uscc("bad");
  *req.add_organizations() = NewOrg(20);  // repeated within the batch
  v1::BatchCreateOrganizationsResponse first, replay;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->BatchCreateOrganizations(&ctx, req, &first).ok());
  }
  EXPECT_EQ(first.created_count(), 2);
  EXPECT_EQ(first.failed_count(), 2);
  EXPECT_EQ(first.results(2).code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(first.results(3).code(), grpc::StatusCode::ALREADY_EXISTS);
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->BatchCreateOrganizations(&ctx, req, &replay).ok());
  }
  EXPECT_TRUE(MessageDifferencer::Equals(first, replay));
  EXPECT_EQ(CountRows("organizations"), 2);
}

TEST_F(RegistryIntegrationTest, ImportStreamsChunksAndSkipsRegisteredRows) {
  v1::Organization existing;
  ASSERT_TRUE(Create(NewOrg(30), &existing).ok());
  grpc::ClientContext ctx;
  v1::ImportOrganizationsResponse resp;
  auto writer = stub_->ImportOrganizations(&ctx, &resp);
  for (int chunk = 0; chunk < 3; ++chunk) {
    v1::ImportOrganizationsRequest req;
    for (int i = 0; i < 100; ++i) {
      *req.add_organizations() = NewOrg(30 + chunk * 100 + i);
    }
    req.mutable_organizations(5)->set_district_code("nowhere");
    ASSERT_TRUE(writer->Write(req));
  }
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(resp.received_count(), 300);
  EXPECT_EQ(resp.existing_count(), 1);
  EXPECT_EQ(resp.invalid_count(), 3);
  EXPECT_EQ(resp.created_count(), 296);
  ASSERT_EQ(resp.failures_size(), 4);
  EXPECT_EQ(resp.failures(1).index(), 5);
  EXPECT_EQ(resp.failures(3).index(), 205);
  EXPECT_EQ(CountRows("organizations"), 297);
}

TEST_F(RegistryIntegrationTest, BatchGetAnswersInOrderOrNotFound) {
  v1::BatchGetOrganizationsRequest req;
  for (int n : {33, 31, 32}) {
    v1::Organization created;
    ASSERT_TRUE(Create(NewOrg(n), &created).ok());
    req.add_names(created.name());
  }
  grpc::ClientContext ctx;
  v1::BatchGetOrganizationsResponse resp;
  ASSERT_TRUE(stub_->BatchGetOrganizations(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.organizations_size(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(resp.organizations(i).name(), req.names(i));
  }
  auto code = [&](const v1::BatchGetOrganizationsRequest& r) {
    grpc::ClientContext c;
    v1::BatchGetOrganizationsResponse out;
    return stub_->BatchGetOrganizations(&c, r, &out).error_code();
  };
  v1::BatchGetOrganizationsRequest missing = req;
  missing.add_names("organizations/" + Uscc(34));
  EXPECT_EQ(code(missing), grpc::StatusCode::NOT_FOUND);
  v1::BatchGetOrganizationsRequest repeated = req;
  repeated.add_names(req.names(0));
  EXPECT_EQ(code(repeated), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(code(v1::BatchGetOrganizationsRequest()),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(RegistryIntegrationTest, ScoreSheetItemsUseTheStandardsNumbers) {
  grpc::ClientContext ctx;
  v1::GetScoreSheetRequest req;
  req.set_name("scoreSheets/GB-T19580-2012");
  v1::ScoreSheet sheet;
  ASSERT_TRUE(stub_->GetScoreSheet(&ctx, req, &sheet).ok());
  std::map<std::string, std::pair<std::string, int>> items;
  for (const auto& i : sheet.items()) {
    items[i.item_code()] = {i.title(), i.max_points()};
  }
  ASSERT_EQ(items.size(), 23u);
  // 4.x.1 is each category's general clause, never a scored item.
  for (const char* general : {"4.1.1", "4.4.1", "4.7.1"}) {
    EXPECT_EQ(items.count(general), 0u) << general;
  }
  EXPECT_EQ(items["4.1.2"], std::make_pair(std::string("高层领导的作用"), 50));
  EXPECT_EQ(items["4.1.3"], std::make_pair(std::string("组织治理"), 30));
  EXPECT_EQ(items["4.1.4"], std::make_pair(std::string("社会责任"), 30));
  EXPECT_EQ(items["4.4.7"], std::make_pair(std::string("相关方关系"), 10));
  EXPECT_EQ(items["4.7.7"], std::make_pair(std::string("领导方面的结果"), 50));
}

// An assessment stored under the old numbering is renumbered with its sheet.
TEST(RegistryMigrationTest, AssessmentsScoredBeforeTheRenumberingFollowIt) {
  std::vector<db::MigrationFile> before;
  for (const db::MigrationFile& m : Migrations()) {
    if (m.version < 3) before.push_back(m);
  }
  auto created = testing::TestDatabase::Create("registry_upgrade", before);
  ASSERT_TRUE(created.ok()) << created.status();
  if (*created == nullptr) {
    QPP_SKIP_WITHOUT_DB(created->get());
    return;
  }
  testing::TestDatabase& db = **created;
  auto conn = db::Connect(db.options().connection);
  ASSERT_TRUE(conn.ok()) << conn.status();
  ASSERT_TRUE((*conn)->ExecuteDirect("SET FOREIGN_KEY_CHECKS = 0").ok());
  ASSERT_TRUE((*conn)
                  ->ExecuteDirect(
                      "INSERT INTO self_assessments (id, uscc, sheet_version, "
                      "assessment_date, assessor_certificate, total_centi, "
                      "create_time) VALUES (7, '914403000000000001', "
                      "'GB-T19580-2012', '2015-06-01', 'ZJPS-1', 0, NOW(6))")
                  .ok());
  ASSERT_TRUE((*conn)
                  ->ExecuteDirect("INSERT INTO self_assessment_items "
                                  "(assessment_id, item_code, percent) VALUES "
                                  "(7, '4.1.1', 60), (7, '4.1.2', 40), "
                                  "(7, '4.1.3', 20), (7, '4.7.6', 10)")
                  .ok());
  ASSERT_TRUE(
      db::Migrate(db.options().connection, db.schema(), Migrations()).ok());
  auto rows = db.Query(
      "SELECT i.item_code, i.percent, s.title FROM self_assessment_items i "
      "JOIN score_sheet_items s ON s.version = 'GB-T19580-2012' AND "
      "s.item_code = i.item_code WHERE i.assessment_id = 7 ORDER BY "
      "i.item_code");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[0].String(0), "4.1.2");
  EXPECT_EQ((*rows)[0].Int(1), 60);
  EXPECT_EQ((*rows)[0].String(2), "高层领导的作用");
  EXPECT_EQ((*rows)[2].String(0), "4.1.4");
  EXPECT_EQ((*rows)[2].String(2), "社会责任");
  EXPECT_EQ((*rows)[3].String(0), "4.7.7");
  EXPECT_EQ((*rows)[3].String(2), "领导方面的结果");
}

}  // namespace
}  // namespace qpp::registry
