// Enrolments and the "five ones" on a real MariaDB against the real
// registry and training: milestones in order, key-staff training checked
// against training's attendance, acceptance moving the registry's adoption
// status once, and UNAVAILABLE with nothing written when the registry is
// stopped.

#include "services/cultivation/src/cultivation_metrics.h"
#include "services/cultivation/tests/integration_fixture.h"

namespace qpp::cultivation {
namespace {

class EnrollmentIntegrationTest : public CultivationIntegrationTest {
 protected:
  // Organisation `n` applies, is reviewed once and selected; the clock
  // then moves to 2026-06-01.
  v1::Enrollment Enrol(int n) {
    v1::CreateCohortRequest cohort;
    cohort.mutable_cohort()->set_year(2026);
    cohort.mutable_cohort()->set_min_reviews(1);
    *cohort.mutable_cohort()->mutable_application_open_date() =
        dates::ToDate(absl::CivilDay(2026, 3, 1));
    *cohort.mutable_cohort()->mutable_application_close_date() =
        dates::ToDate(absl::CivilDay(2026, 4, 30));
    v1::Cohort created;
    EXPECT_TRUE(cultivation_->cohorts().CreateCohort(cohort, &created).ok());
    v1::Application app;
    EXPECT_TRUE(Apply(n, &app).ok());
    const v1::Expert expert = CreateExpert(200 + n, 45);
    v1::Review review, scored;
    EXPECT_TRUE(Assign(app.name(), expert.name(), &review).ok());
    EXPECT_TRUE(Score(review.name(), 85, &scored).ok());
    v1::RunSelectionRequest run;
    run.set_name("cohorts/2026");
    v1::Selection selection;
    EXPECT_TRUE(
        cultivation_->selections().RunSelection(call_, run, &selection).ok());
    v1::ListEnrollmentsRequest list;
    list.set_organization(OrgName(n));
    v1::ListEnrollmentsResponse enrolled;
    EXPECT_TRUE(
        cultivation_->enrollments().ListEnrollments(list, &enrolled).ok());
    now_ = absl::FromCivil(absl::CivilSecond(2026, 6, 1, 10, 0, 0),
                           dates::ChinaTime());
    return enrolled.enrollments_size() == 1 ? enrolled.enrollments(0)
                                            : v1::Enrollment();
  }

  absl::Status Complete(const v1::Enrollment& e, v1::MilestoneKind kind,
                        int month, v1::Enrollment* out) {
    v1::CompleteMilestoneRequest req;
    req.set_name(e.name());
    req.set_kind(kind);
    *req.mutable_completion_date() =
        dates::ToDate(absl::CivilDay(2026, month, 15));
    req.set_report_reference(absl::StrCat("QH-2026-", kind));
    return cultivation_->enrollments().CompleteMilestone(call_, req, out);
  }

  absl::Status Accept(const v1::Enrollment& e, v1::Enrollment* out) {
    v1::RecordAcceptanceRequest req;
    req.set_name(e.name());
    req.set_passed(true);
    req.set_score(88.5);
    *req.mutable_completion_date() = dates::ToDate(absl::CivilDay(2026, 5, 20));
    req.set_report_reference("QH-2026-YS");
    return cultivation_->enrollments().RecordAcceptance(call_, req, out);
  }

  registry_v1::Organization Organization(int n) {
    auto stub = registry_v1::RegistryService::NewStub(
        testing::FreshChannel(Deps().registry->address()));
    registry_v1::GetOrganizationRequest req;
    req.set_name(OrgName(n));
    registry_v1::Organization out;
    grpc::ClientContext ctx;
    EXPECT_TRUE(stub->GetOrganization(&ctx, req, &out).ok());
    return out;
  }

  registry_v1::AdoptionStatus Adoption(int n) {
    return Organization(n).adoption_status();
  }
};

TEST_F(EnrollmentIntegrationTest, FiveOnesInOrderAndAcceptanceAdopts) {
  const v1::Enrollment e = Enrol(21);
  ASSERT_FALSE(e.name().empty());
  ASSERT_EQ(e.milestones_size(), 5);
  EXPECT_EQ(e.milestones(0).status(), v1::MILESTONE_STATUS_PENDING);

  v1::Enrollment out;
  // Out of order: the solution before the diagnosis.
  EXPECT_EQ(status::ReasonOf(Complete(e, v1::MILESTONE_KIND_SOLUTION, 3, &out)),
            "MILESTONE_OUT_OF_ORDER");
  ASSERT_TRUE(Complete(e, v1::MILESTONE_KIND_INITIAL_DIAGNOSIS, 3, &out).ok());
  ASSERT_TRUE(
      Complete(e, v1::MILESTONE_KIND_STRATEGY_CONSULTATION, 4, &out).ok());
  // Too few staff attended: refused with the count, nothing written.
  TrainStaff(21, 2);
  const absl::Status few =
      Complete(e, v1::MILESTONE_KIND_KEY_STAFF_TRAINING, 4, &out);
  EXPECT_EQ(few.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status::ReasonOf(few), "TOO_FEW_STAFF_TRAINED");
  EXPECT_NE(few.message().find("2 of the enterprise's staff"),
            absl::string_view::npos);
  EXPECT_EQ(Count("enrollment_milestones"), 2);
  TrainStaff(21, 1);
  ASSERT_TRUE(Complete(e, v1::MILESTONE_KIND_KEY_STAFF_TRAINING, 4, &out).ok());
  // A date outside the term, or in the future, is refused.
  EXPECT_EQ(Complete(e, v1::MILESTONE_KIND_SOLUTION, 12, &out).code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(Complete(e, v1::MILESTONE_KIND_SOLUTION, 5, &out).ok());

  EXPECT_NE(Adoption(21), registry_v1::ADOPTION_STATUS_ADOPTED);
  ASSERT_TRUE(Accept(e, &out).ok());
  EXPECT_EQ(out.outcome(), v1::ENROLLMENT_OUTCOME_ACCEPTED);
  EXPECT_DOUBLE_EQ(out.acceptance_score(), 88.5);
  EXPECT_EQ(out.milestones(4).status(), v1::MILESTONE_STATUS_COMPLETED);
  // The registry keeps the evidence: the enrolment that passed.
  const registry_v1::Organization adopted = Organization(21);
  EXPECT_EQ(adopted.adoption_status(), registry_v1::ADOPTION_STATUS_ADOPTED);
  EXPECT_EQ(
      adopted.adoption_history().adopted_evidence(),
      absl::StrCat(e.name(), " passed its end-of-term acceptance with 88.5"));
  // Accepted: the enrolment is no longer active, nothing changes.
  EXPECT_EQ(status::ReasonOf(Accept(e, &out)), "ENROLLMENT_NOT_ACTIVE");

  v1::GetCultivationStatisticsRequest req;
  req.set_year(2026);
  v1::CultivationStatistics stats;
  ASSERT_TRUE(
      cultivation_->statistics().GetCultivationStatistics(req, &stats).ok());
  EXPECT_EQ(stats.applications(), 1);
  EXPECT_EQ(stats.selected(), 1);
  EXPECT_EQ(stats.active_enrollments(), 0);
  EXPECT_EQ(stats.library_cap(), 100);
  EXPECT_EQ(stats.accepted(), 1);
}

TEST_F(EnrollmentIntegrationTest, AcceptanceAfterTheOtherFourOnly) {
  const v1::Enrollment e = Enrol(22);
  v1::Enrollment out;
  ASSERT_TRUE(Complete(e, v1::MILESTONE_KIND_INITIAL_DIAGNOSIS, 3, &out).ok());
  EXPECT_EQ(status::ReasonOf(Accept(e, &out)), "MILESTONE_OUT_OF_ORDER");
  EXPECT_NE(Adoption(22), registry_v1::ADOPTION_STATUS_ADOPTED);
  // Withdrawn: out of the library, no more milestones.
  v1::WithdrawEnrollmentRequest withdraw;
  withdraw.set_name(e.name());
  withdraw.set_reason("企业经营调整");
  ASSERT_TRUE(cultivation_->enrollments()
                  .WithdrawEnrollment(call_, withdraw, &out)
                  .ok());
  EXPECT_EQ(out.outcome(), v1::ENROLLMENT_OUTCOME_WITHDRAWN);
  EXPECT_EQ(status::ReasonOf(
                Complete(e, v1::MILESTONE_KIND_STRATEGY_CONSULTATION, 4, &out)),
            "ENROLLMENT_NOT_ACTIVE");
}

TEST_F(EnrollmentIntegrationTest, RegistryStoppedAtAcceptanceWritesNothing) {
  const v1::Enrollment e = Enrol(23);
  TrainStaff(23, 3);
  v1::Enrollment out;
  for (auto kind :
       {v1::MILESTONE_KIND_INITIAL_DIAGNOSIS,
        v1::MILESTONE_KIND_STRATEGY_CONSULTATION,
        v1::MILESTONE_KIND_KEY_STAFF_TRAINING, v1::MILESTONE_KIND_SOLUTION}) {
    ASSERT_TRUE(Complete(e, kind, 4, &out).ok());
  }
  Stop(*Deps().registry);
  const absl::Status down = Accept(e, &out);
  EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status::ReasonOf(down), "REGISTRY_UNAVAILABLE");
  EXPECT_EQ(Count("enrollment_milestones"), 4);
  auto active =
      db_->Query("SELECT COUNT(*) FROM enrollments WHERE outcome = 1");
  ASSERT_TRUE(active.ok());
  EXPECT_EQ((*active)[0].Int(0), 1);
}

TEST_F(EnrollmentIntegrationTest, ExpiryJobExpiresOverdueEnrolmentsOnce) {
  const v1::Enrollment e = Enrol(24);
  ASSERT_FALSE(e.name().empty());
  EnrollmentExpiryJob job(metrics_, cultivation_->enrollments());
  // Inside the term: nothing to do.
  auto none = job.RunOnce();
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(*none, 0);

  // The day after the term's last day.
  const absl::CivilDay last(e.term_end_date().year(), e.term_end_date().month(),
                            e.term_end_date().day());
  now_ = absl::FromCivil(absl::CivilSecond(last + 1), dates::ChinaTime()) +
         absl::Hours(9);
  auto expired = job.RunOnce();
  ASSERT_TRUE(expired.ok()) << expired.status();
  EXPECT_EQ(*expired, 1);
  v1::GetEnrollmentRequest get;
  get.set_name(e.name());
  v1::Enrollment out;
  ASSERT_TRUE(cultivation_->enrollments().GetEnrollment(get, &out).ok());
  EXPECT_EQ(out.outcome(), v1::ENROLLMENT_OUTCOME_EXPIRED);
  EXPECT_NE(out.outcome_reason().find("without an end-of-term acceptance"),
            std::string::npos);
  // Funding's outbox asks for the organisation's re-evaluation.
  auto outbox = db_->Query(
      "SELECT COUNT(*) FROM reevaluation_requests WHERE uscc = ? AND reason "
      "LIKE '%EXPIRED'",
      {Uscc(24)});
  ASSERT_TRUE(outbox.ok()) << outbox.status();
  EXPECT_EQ((*outbox)[0].Int(0), 1);
  // Again: idempotent, nothing changes.
  auto again = job.RunOnce();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  // Expired: no more milestones.
  EXPECT_EQ(status::ReasonOf(
                Complete(e, v1::MILESTONE_KIND_INITIAL_DIAGNOSIS, 3, &out)),
            "ENROLLMENT_NOT_ACTIVE");
}

}  // namespace
}  // namespace qpp::cultivation
