// Training statistics on a real MariaDB: person-times, distinct people
// trained and newly certified people of a year and to date, per course kind
// and per employer district.

#include "prometheus/registry.h"
#include "services/training/src/training_metrics.h"
#include "services/training/tests/integration_fixture.h"

namespace qpp::training {
namespace {

class StatisticsIntegrationTest : public TrainingIntegrationTest {
 protected:
  // Registers trainee `trainee` (a name) for `session` and records
  // attendance (passed, for a course with an exam) if `attended`.
  v1::Registration Attend(const v1::Session& session,
                          const std::string& trainee, bool attended) {
    v1::CreateRegistrationRequest reg;
    reg.mutable_registration()->set_session(session.name());
    reg.mutable_registration()->set_trainee(trainee);
    v1::Registration out;
    EXPECT_TRUE(training_->registrations().CreateRegistration(reg, &out).ok());
    if (!attended) return out;
    v1::RecordAttendanceRequest att;
    att.set_name(out.name());
    att.set_attended(true);
    att.set_exam_result(v1::Registration::EXAM_RESULT_PASSED);
    att.set_exam_score(90);
    EXPECT_TRUE(training_->registrations().RecordAttendance(att, &out).ok());
    return out;
  }

  void Issue(const v1::Registration& registration) {
    v1::IssueCertificateRequest req;
    req.set_registration(registration.name());
    v1::Certificate out;
    EXPECT_TRUE(training_->certificates().IssueCertificate(req, &out).ok());
  }

  v1::TrainingStatistics Get(int year) {
    v1::GetTrainingStatisticsRequest req;
    req.set_year(year);
    v1::TrainingStatistics out;
    const absl::Status s =
        training_->statistics().GetTrainingStatistics(req, &out);
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }
};

TEST_F(StatisticsIntegrationTest, CountsPersonTimesPeopleAndNewlyCertified) {
  registry_->Add({Uscc(3), "南山制造有限公司", "440305", true});
  const v1::Session first = CreateSession(10);
  const v1::Session second = CreateSession(10);
  const std::string chen = CreateTrainee(1).name();  // district 440304
  v1::CreateTraineeRequest other;
  *other.mutable_trainee() = ATrainee(2, 3);  // district 440305
  v1::Trainee li;
  ASSERT_TRUE(training_->trainees().CreateTrainee(call_, other, &li).ok());
  const std::string absent = CreateTrainee(4).name();

  // Chen attends twice and is certified twice: two person-times, one
  // person, one newly certified. Li attends once. The absent trainee
  // counts nowhere.
  Issue(Attend(first, chen, true));
  Issue(Attend(second, chen, true));
  Attend(first, li.name(), true);
  Attend(second, absent, false);
  // A qualification recognised in 2025: certified then, not trained.
  v1::RecognizeCertificateRequest recognise;
  recognise.set_holder(li.name());
  recognise.set_certificate_type(v1::CERTIFICATE_TYPE_QUALITY_ENGINEER);
  recognise.set_issuing_body("Macau Productivity and Technology Centre");
  *recognise.mutable_issue_date() = dates::ToDate(absl::CivilDay(2025, 3, 1));
  v1::Certificate recognised;
  ASSERT_TRUE(training_->certificates()
                  .RecognizeCertificate(recognise, &recognised)
                  .ok());

  const v1::TrainingStatistics y2026 = Get(2026);
  EXPECT_EQ(y2026.year(), 2026);
  EXPECT_EQ(y2026.year_figures().person_times(), 3);
  EXPECT_EQ(y2026.year_figures().people_trained(), 2);
  EXPECT_EQ(y2026.year_figures().newly_certified(), 1);  // Li was in 2025
  EXPECT_EQ(y2026.to_date().person_times(), 3);
  EXPECT_EQ(y2026.to_date().people_trained(), 2);
  EXPECT_EQ(y2026.to_date().newly_certified(), 2);

  // Per kind: the quality-engineer course, and the recognised certificate
  // without a course.
  ASSERT_EQ(y2026.by_course_kind_size(), 2);
  EXPECT_EQ(y2026.by_course_kind(0).kind(), v1::COURSE_KIND_UNSPECIFIED);
  EXPECT_EQ(y2026.by_course_kind(0).to_date().newly_certified(), 1);
  EXPECT_EQ(y2026.by_course_kind(0).year().newly_certified(), 0);
  EXPECT_EQ(y2026.by_course_kind(1).kind(), v1::COURSE_KIND_QUALITY_ENGINEER);
  EXPECT_EQ(y2026.by_course_kind(1).year().person_times(), 3);
  EXPECT_EQ(y2026.by_course_kind(1).year().people_trained(), 2);
  EXPECT_EQ(y2026.by_course_kind(1).year().newly_certified(), 1);

  // Per employer district, as the registry gave it.
  ASSERT_EQ(y2026.by_district_size(), 2);
  EXPECT_EQ(y2026.by_district(0).district_code(), "440304");
  EXPECT_EQ(y2026.by_district(0).year().person_times(), 2);
  EXPECT_EQ(y2026.by_district(0).year().people_trained(), 1);
  EXPECT_EQ(y2026.by_district(0).year().newly_certified(), 1);
  EXPECT_EQ(y2026.by_district(1).district_code(), "440305");
  EXPECT_EQ(y2026.by_district(1).year().person_times(), 1);
  EXPECT_EQ(y2026.by_district(1).to_date().newly_certified(), 1);

  // 2025 saw only the recognition; to date ends with 2025.
  const v1::TrainingStatistics y2025 = Get(2025);
  EXPECT_EQ(y2025.year_figures().person_times(), 0);
  EXPECT_EQ(y2025.year_figures().newly_certified(), 1);
  EXPECT_EQ(y2025.to_date().people_trained(), 0);
  // 2027: nothing new, everything to date.
  const v1::TrainingStatistics y2027 = Get(2027);
  EXPECT_EQ(y2027.year_figures().person_times(), 0);
  EXPECT_EQ(y2027.to_date().people_trained(), 2);
  EXPECT_EQ(y2027.to_date().newly_certified(), 2);
}

TEST_F(StatisticsIntegrationTest, EmptyYearAndBadYears) {
  const v1::TrainingStatistics empty = Get(2026);
  EXPECT_EQ(empty.year_figures().person_times(), 0);
  EXPECT_EQ(empty.to_date().people_trained(), 0);
  EXPECT_EQ(empty.by_course_kind_size(), 0);
  for (int year : {0, 1999, 2101, -5}) {
    v1::GetTrainingStatisticsRequest req;
    req.set_year(year);
    v1::TrainingStatistics out;
    const absl::Status s =
        training_->statistics().GetTrainingStatistics(req, &out);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << year;
    ASSERT_EQ(status::FieldViolationsOf(s).size(), 1u) << year;
    EXPECT_EQ(status::FieldViolationsOf(s)[0].field, "year");
  }
}

TEST_F(StatisticsIntegrationTest, GaugesFollowTheCurrentYear) {
  const v1::Session session = CreateSession(10);
  Attend(session, CreateTrainee(1).name(), true);
  prometheus::Registry registry;
  StatisticsGauges gauges(registry, training_->statistics());
  ASSERT_TRUE(gauges.Refresh().ok());
  double people = -1, person_times = -1;
  for (const auto& family : registry.Collect()) {
    if (family.name == "qpp_training_people_trained") {
      people = family.metric.at(0).gauge.value;
    }
    if (family.name == "qpp_training_person_times_current_year") {
      person_times = family.metric.at(0).gauge.value;
    }
  }
  EXPECT_EQ(people, 1);
  EXPECT_EQ(person_times, 1);
}

}  // namespace
}  // namespace qpp::training
