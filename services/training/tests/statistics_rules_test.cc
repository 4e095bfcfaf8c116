// The pure rules of statistics and appointments: sums per kind and
// district, distinct people never added across groups, and which
// certificate qualifies for which post.

#include "services/training/src/statistics_rules.h"

#include "common/dates/dates.h"
#include "gtest/gtest.h"
#include "services/training/src/appointment_rules.h"

namespace qpp::training {
namespace {

KindDistrictCount Count(v1::CourseKind kind, std::string district,
                        int64_t count) {
  return KindDistrictCount{kind, std::move(district), count};
}

TEST(StatisticsRules, SumsPersonTimesButNotDistinctPeople) {
  PeriodCounts year;
  year.person_times = {Count(v1::COURSE_KIND_QUALITY_ENGINEER, "440304", 5),
                       Count(v1::COURSE_KIND_QUALITY_ENGINEER, "440305", 2),
                       Count(v1::COURSE_KIND_LEADERSHIP_LECTURE, "440305", 4)};
  year.people_trained = 8;  // not 11: some attended twice
  year.people_by_kind = {Count(v1::COURSE_KIND_QUALITY_ENGINEER, "", 6),
                         Count(v1::COURSE_KIND_LEADERSHIP_LECTURE, "", 3)};
  year.people_by_district = {Count(v1::COURSE_KIND_UNSPECIFIED, "440304", 4),
                             Count(v1::COURSE_KIND_UNSPECIFIED, "440305", 5)};
  year.newly_certified = {Count(v1::COURSE_KIND_UNSPECIFIED, "440304", 1)};
  PeriodCounts to_date = year;
  to_date.person_times.push_back(Count(v1::COURSE_KIND_OTHER, "440306", 10));
  to_date.people_trained = 18;

  const v1::TrainingStatistics s = BuildStatistics(2026, year, to_date);
  EXPECT_EQ(s.year(), 2026);
  EXPECT_EQ(s.year_figures().person_times(), 11);
  EXPECT_EQ(s.year_figures().people_trained(), 8);
  EXPECT_EQ(s.year_figures().newly_certified(), 1);
  EXPECT_EQ(s.to_date().person_times(), 21);
  EXPECT_EQ(s.to_date().people_trained(), 18);
  // Kinds of every figure to date, in kind order.
  ASSERT_EQ(s.by_course_kind_size(), 4);
  EXPECT_EQ(s.by_course_kind(0).kind(), v1::COURSE_KIND_UNSPECIFIED);
  EXPECT_EQ(s.by_course_kind(0).year().newly_certified(), 1);
  EXPECT_EQ(s.by_course_kind(1).kind(), v1::COURSE_KIND_QUALITY_ENGINEER);
  EXPECT_EQ(s.by_course_kind(1).year().person_times(), 7);
  EXPECT_EQ(s.by_course_kind(1).year().people_trained(), 6);
  EXPECT_EQ(s.by_course_kind(3).kind(), v1::COURSE_KIND_OTHER);
  EXPECT_EQ(s.by_course_kind(3).year().person_times(), 0);
  EXPECT_EQ(s.by_course_kind(3).to_date().person_times(), 10);
  ASSERT_EQ(s.by_district_size(), 3);
  EXPECT_EQ(s.by_district(1).district_code(), "440305");
  EXPECT_EQ(s.by_district(1).year().person_times(), 6);
  EXPECT_EQ(s.by_district(1).year().people_trained(), 5);
}

TEST(StatisticsRules, YearsOutsideThePlanWindowAreRefused) {
  EXPECT_TRUE(CheckStatisticsYear(2000).ok());
  EXPECT_TRUE(CheckStatisticsYear(2100).ok());
  EXPECT_EQ(CheckStatisticsYear(1999).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckStatisticsYear(2101).code(),
            absl::StatusCode::kInvalidArgument);
}

CertificateRecord Certificate(v1::CertificateType type, bool revoked) {
  CertificateRecord c;
  c.number = "CQ2025000001";
  c.type = type;
  c.issue_date = absl::CivilDay(2025, 1, 1);
  c.expiry_date = absl::CivilDay(2029, 12, 31);
  c.revoked = revoked;
  return c;
}

TEST(AppointmentRules, OnlyAValidCertificateOfThePostsTypeQualifies) {
  const absl::CivilDay today(2026, 6, 1);
  const auto cqo = v1::Appointment::ROLE_CHIEF_QUALITY_OFFICER;
  const auto qe = v1::Appointment::ROLE_QUALITY_ENGINEER;
  EXPECT_TRUE(
      CheckQualifies(
          Certificate(v1::CERTIFICATE_TYPE_CHIEF_QUALITY_OFFICER, false), cqo,
          absl::CivilDay(2025, 1, 1), today)
          .ok());
  EXPECT_TRUE(
      CheckQualifies(Certificate(v1::CERTIFICATE_TYPE_QUALITY_ENGINEER, false),
                     qe, absl::CivilDay(2026, 1, 1), today)
          .ok());
  for (const absl::Status& s : {
           CheckQualifies(
               Certificate(v1::CERTIFICATE_TYPE_QUALITY_ENGINEER, false), cqo,
               absl::CivilDay(2026, 1, 1), today),
           CheckQualifies(
               Certificate(v1::CERTIFICATE_TYPE_CHIEF_QUALITY_OFFICER, true),
               cqo, absl::CivilDay(2026, 1, 1), today),
           CheckQualifies(
               Certificate(v1::CERTIFICATE_TYPE_CHIEF_QUALITY_OFFICER, false),
               cqo, absl::CivilDay(2024, 12, 31), today),
           CheckQualifies(
               Certificate(v1::CERTIFICATE_TYPE_CHIEF_QUALITY_OFFICER, false),
               cqo, absl::CivilDay(2030, 1, 1), today),
           CheckQualifies(
               Certificate(v1::CERTIFICATE_TYPE_CHIEF_QUALITY_OFFICER, false),
               cqo, absl::CivilDay(2026, 1, 1), absl::CivilDay(2030, 1, 1)),
       }) {
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
    EXPECT_EQ(status::ReasonOf(s), "CERTIFICATE_NOT_QUALIFYING");
  }
}

TEST(AppointmentRules, ValidatesANewAppointment) {
  v1::Appointment a;
  a.set_role(v1::Appointment::ROLE_QUALITY_ENGINEER);
  a.set_certificate("certificates/QE2025000001");
  *a.mutable_start_date() = dates::ToDate(absl::CivilDay(2026, 1, 1));
  status::FieldErrors ok;
  ValidateAppointment(a, ok);
  EXPECT_TRUE(ok.ToStatus().ok());
  *a.mutable_end_date() = dates::ToDate(absl::CivilDay(2025, 12, 31));
  a.clear_role();
  a.set_certificate("QE2025000001");
  status::FieldErrors bad;
  ValidateAppointment(a, bad);
  EXPECT_EQ(status::FieldViolationsOf(bad.ToStatus()).size(), 3u);
  EXPECT_EQ(AppointmentName("91440300MA5F00001A", 7),
            "organizations/91440300MA5F00001A/appointments/7");
}

}  // namespace
}  // namespace qpp::training
