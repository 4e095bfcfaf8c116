// The enterprise growth plan on a real MariaDB against the real registry:
// SMEs only by the registry's size class, one participant per organisation
// under concurrent applications, the four modules coached in order, the
// compliance review only after them, its pass setting the priority flag and
// a later fail clearing it, and UNAVAILABLE with nothing written when the
// registry is stopped.

#include <thread>

#include "services/cultivation/tests/integration_fixture.h"

namespace qpp::cultivation {
namespace {

class GrowthPlanIntegrationTest : public CultivationIntegrationTest {
 protected:
  absl::Status Join(int n, v1::GrowthPlanParticipant* out,
                    const std::string& request_id = "") {
    v1::CreateGrowthPlanParticipantRequest req;
    v1::GrowthPlanParticipant& p = *req.mutable_participant();
    p.set_organization(OrgName(n));
    p.add_categories(v1::GROWTH_CATEGORY_GROWTH);
    p.add_categories(v1::GROWTH_CATEGORY_INNOVATIVE);
    p.set_statement("自愿参加企业成长计划");
    req.set_request_id(request_id);
    return cultivation_->growth_plan().CreateParticipant(call_, req, out);
  }

  absl::Status Coach(const std::string& name, v1::OperatingModule module,
                     v1::GrowthPlanParticipant* out) {
    v1::CompleteCoachingMilestoneRequest req;
    req.set_name(name);
    req.set_module(module);
    *req.mutable_completion_date() =
        dates::ToDate(absl::CivilDay(2026, 3 + module, 10));
    req.set_report_reference(absl::StrCat("CZ-2026-", module));
    return cultivation_->growth_plan().CompleteCoaching(call_, req, out);
  }

  absl::Status Review(const std::string& name, bool passed, int day,
                      v1::GrowthPlanParticipant* out) {
    v1::RecordComplianceReviewRequest req;
    req.set_name(name);
    req.set_passed(passed);
    req.set_findings(passed ? "四个模块均达标" : "人力资源模块未达标");
    req.set_reason(passed ? "复审通过" : "初审未通过");
    *req.mutable_review_date() = dates::ToDate(absl::CivilDay(2026, 8, day));
    return cultivation_->growth_plan().RecordReview(call_, req, out);
  }

  // The statistics' growth-plan enterprises passing review.
  int PassedReview() {
    v1::GetCultivationStatisticsRequest req;
    req.set_year(2026);
    v1::CultivationStatistics stats;
    const absl::Status s =
        cultivation_->statistics().GetCultivationStatistics(req, &stats);
    EXPECT_TRUE(s.ok()) << s;
    return stats.growth_plan_review_passed();
  }

  void Later() {
    now_ = absl::FromCivil(absl::CivilSecond(2026, 9, 1, 10, 0, 0),
                           dates::ChinaTime());
  }
};

TEST_F(GrowthPlanIntegrationTest, WholeCycleReviewFailThenPassGivesPriority) {
  v1::GrowthPlanParticipant p;
  ASSERT_TRUE(Join(11, &p, "growth-11").ok());
  EXPECT_EQ(p.size_class(), "SIZE_CLASS_SMALL");
  ASSERT_EQ(p.categories_size(), 2);
  EXPECT_EQ(p.categories(0), v1::GROWTH_CATEGORY_GROWTH);
  ASSERT_EQ(p.coaching_size(), 4);
  EXPECT_FALSE(p.priority());
  // A retry under the same request id replays.
  v1::GrowthPlanParticipant again;
  ASSERT_TRUE(Join(11, &again, "growth-11").ok());
  EXPECT_EQ(again.name(), p.name());
  EXPECT_EQ(Count("growth_plan_participants"), 1);

  Later();
  v1::GrowthPlanParticipant out;
  // Review before the coaching: refused, nothing written.
  EXPECT_EQ(status::ReasonOf(Review(p.name(), true, 1, &out)),
            "COACHING_INCOMPLETE");
  // Out of order: strategy before governance.
  EXPECT_EQ(
      status::ReasonOf(Coach(p.name(), v1::OPERATING_MODULE_STRATEGY, &out)),
      "MILESTONE_OUT_OF_ORDER");
  for (auto m :
       {v1::OPERATING_MODULE_GOVERNANCE_STRUCTURE,
        v1::OPERATING_MODULE_STRATEGY, v1::OPERATING_MODULE_PROCESSES}) {
    ASSERT_TRUE(Coach(p.name(), m, &out).ok());
  }
  EXPECT_EQ(status::ReasonOf(Review(p.name(), true, 1, &out)),
            "COACHING_INCOMPLETE");
  EXPECT_EQ(Count("growth_plan_reviews"), 0);
  ASSERT_TRUE(Coach(p.name(), v1::OPERATING_MODULE_HUMAN_RESOURCES, &out).ok());
  EXPECT_EQ(out.coaching(3).status(), v1::MILESTONE_STATUS_COMPLETED);
  EXPECT_EQ(out.coaching(3).report_reference(), "CZ-2026-4");
  EXPECT_EQ(out.coaching(3).completed_by(), "programme-office");
  // Coached twice: refused.
  EXPECT_EQ(status::ReasonOf(
                Coach(p.name(), v1::OPERATING_MODULE_HUMAN_RESOURCES, &out)),
            "MILESTONE_OUT_OF_ORDER");

  ASSERT_TRUE(Review(p.name(), false, 1, &out).ok());
  EXPECT_FALSE(out.review_passed());
  EXPECT_FALSE(out.priority());
  ASSERT_TRUE(Review(p.name(), true, 20, &out).ok());
  EXPECT_TRUE(out.review_passed());
  EXPECT_TRUE(out.priority());
  ASSERT_EQ(out.reviews_size(), 2);
  EXPECT_FALSE(out.reviews(0).passed());
  EXPECT_EQ(out.reviews(0).reason(), "初审未通过");
  EXPECT_EQ(out.reviews(1).reviewed_by(), "programme-office");
  EXPECT_EQ(out.review_date().day(), 20);
  // Funding's outbox asks for the organisation's re-evaluation.
  auto outbox = db_->Query(
      "SELECT COUNT(*) FROM reevaluation_requests WHERE uscc = ? AND reason "
      "LIKE 'growth plan participant % holds priority'",
      {Uscc(11)});
  ASSERT_TRUE(outbox.ok()) << outbox.status();
  EXPECT_GE((*outbox)[0].Int(0), 1);
  EXPECT_EQ(PassedReview(), 1);

  v1::ListGrowthPlanParticipantsRequest list;
  list.set_priority_only(true);
  v1::ListGrowthPlanParticipantsResponse page;
  ASSERT_TRUE(cultivation_->growth_plan().ListParticipants(list, &page).ok());
  ASSERT_EQ(page.participants_size(), 1);
  EXPECT_EQ(page.participants(0).name(), p.name());

  // A later failed review clears the flag.
  ASSERT_TRUE(Review(p.name(), false, 25, &out).ok());
  EXPECT_FALSE(out.priority());
  v1::ListGrowthPlanParticipantsResponse after;
  ASSERT_TRUE(cultivation_->growth_plan().ListParticipants(list, &after).ok());
  EXPECT_EQ(after.participants_size(), 0);
  EXPECT_EQ(PassedReview(), 0);
}

TEST_F(GrowthPlanIntegrationTest, NonSmeAndNonEnterpriseRefused) {
  v1::GrowthPlanParticipant out;
  absl::Status s = Join(49, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status::ReasonOf(s), "NOT_SME");
  EXPECT_NE(s.message().find("SIZE_CLASS_LARGE"), absl::string_view::npos);
  EXPECT_EQ(status::ReasonOf(Join(46, &out)), "ORGANIZATION_NOT_ENTERPRISE");
  EXPECT_EQ(status::ReasonOf(Join(48, &out)), "ORGANIZATION_NOT_REGISTERED");
  EXPECT_EQ(Count("growth_plan_participants"), 0);
}

TEST_F(GrowthPlanIntegrationTest, BadInputIsInvalidArgumentNothingWritten) {
  v1::CreateGrowthPlanParticipantRequest req;
  req.mutable_participant()->set_organization("organizations/123");
  req.mutable_participant()->add_categories(v1::GROWTH_CATEGORY_GROWTH);
  req.mutable_participant()->add_categories(v1::GROWTH_CATEGORY_GROWTH);
  v1::GrowthPlanParticipant out;
  const absl::Status s =
      cultivation_->growth_plan().CreateParticipant(call_, req, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status::FieldViolationsOf(s).size(), 2u);
  req.mutable_participant()->set_organization(OrgName(12));
  req.mutable_participant()->clear_categories();
  EXPECT_EQ(
      cultivation_->growth_plan().CreateParticipant(call_, req, &out).code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Count("growth_plan_participants"), 0);

  ASSERT_TRUE(Join(12, &out).ok());
  v1::CompleteCoachingMilestoneRequest coach;
  coach.set_name(out.name());
  coach.set_module(v1::OPERATING_MODULE_GOVERNANCE_STRUCTURE);
  coach.set_report_reference("CZ-1");
  // Before the application (2026-03-02).
  *coach.mutable_completion_date() = dates::ToDate(absl::CivilDay(2026, 3, 1));
  v1::GrowthPlanParticipant coached;
  EXPECT_EQ(cultivation_->growth_plan()
                .CompleteCoaching(call_, coach, &coached)
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Count("growth_plan_coaching"), 0);
}

TEST_F(GrowthPlanIntegrationTest, UpdateWithMaskAndEtag) {
  v1::GrowthPlanParticipant p;
  ASSERT_TRUE(Join(13, &p).ok());
  v1::UpdateGrowthPlanParticipantRequest req;
  req.mutable_participant()->set_name(p.name());
  req.mutable_participant()->add_categories(
      v1::GROWTH_CATEGORY_LISTING_CULTIVATION);
  req.mutable_participant()->set_statement("ignored: not in the mask");
  req.mutable_participant()->set_etag(p.etag());
  req.mutable_update_mask()->add_paths("categories");
  v1::GrowthPlanParticipant out;
  ASSERT_TRUE(cultivation_->growth_plan().UpdateParticipant(req, &out).ok());
  ASSERT_EQ(out.categories_size(), 1);
  EXPECT_EQ(out.categories(0), v1::GROWTH_CATEGORY_LISTING_CULTIVATION);
  EXPECT_EQ(out.statement(), "自愿参加企业成长计划");
  // The old etag no longer matches.
  EXPECT_EQ(cultivation_->growth_plan().UpdateParticipant(req, &out).code(),
            absl::StatusCode::kAborted);
  req.mutable_update_mask()->add_paths("size_class");
  EXPECT_EQ(cultivation_->growth_plan().UpdateParticipant(req, &out).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(GrowthPlanIntegrationTest, ConcurrentApplicationsMakeOneParticipant) {
  std::atomic<int> ok{0}, exists{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      v1::GrowthPlanParticipant out;
      const absl::Status s = Join(14, &out);
      if (s.ok()) ++ok;
      if (status::ReasonOf(s) == "GROWTH_PLAN_EXISTS") ++exists;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(exists.load(), 7);
  EXPECT_EQ(Count("growth_plan_participants"), 1);
}

TEST_F(GrowthPlanIntegrationTest, RegistryStoppedIsUnavailableNothingWritten) {
  Stop(*Deps().registry);
  v1::GrowthPlanParticipant out;
  const absl::Status s = Join(15, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status::ReasonOf(s), "REGISTRY_UNAVAILABLE");
  EXPECT_EQ(Count("growth_plan_participants"), 0);
}

}  // namespace
}  // namespace qpp::cultivation
