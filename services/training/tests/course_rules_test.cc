// Rules of courses, in memory.

#include "services/training/src/course_rules.h"

#include "gtest/gtest.h"

namespace qpp::training {
namespace {

v1::Course ValidCourse() {
  v1::Course c;
  c.set_title("卓越绩效自评师培训");
  c.set_kind(v1::COURSE_KIND_EXCELLENCE_SELF_ASSESSOR);
  c.set_hours(40);
  c.set_has_exam(true);
  c.set_certificate_type(v1::CERTIFICATE_TYPE_EXCELLENCE_SELF_ASSESSOR);
  return c;
}

TEST(CourseRulesTest, AcceptsAValidCourse) {
  status::FieldErrors errors;
  ValidateCourse(ValidCourse(), errors);
  EXPECT_TRUE(errors.empty());
}

TEST(CourseRulesTest, NamesEveryBadField) {
  v1::Course c;
  c.set_hours(0);
  c.set_certificate_type(v1::CERTIFICATE_TYPE_QUALITY_ENGINEER);
  status::FieldErrors errors;
  ValidateCourse(c, errors);
  EXPECT_EQ(errors.fields(),
            (std::vector<std::string>{"course.title", "course.kind",
                                      "course.hours", "course.has_exam"}));
}

TEST(CourseRulesTest, RejectsUnknownEnumValues) {
  v1::Course c = ValidCourse();
  c.set_kind(static_cast<v1::CourseKind>(99));
  c.set_certificate_type(static_cast<v1::CertificateType>(99));
  status::FieldErrors errors;
  ValidateCourse(c, errors);
  EXPECT_EQ(errors.fields(), (std::vector<std::string>{
                                 "course.kind", "course.certificate_type"}));
}

TEST(CourseRulesTest, ParsesNumericNamesOnly) {
  EXPECT_EQ(*ParseCourseName("courses/12", "name"), 12);
  EXPECT_FALSE(ParseCourseName("courses/0", "name").ok());
  EXPECT_FALSE(ParseCourseName("courses/-1", "name").ok());
  EXPECT_FALSE(ParseCourseName("courses/abc", "name").ok());
  EXPECT_FALSE(ParseCourseName("courses/1/x", "name").ok());
  EXPECT_FALSE(ParseCourseName("sessions/1", "name").ok());
  EXPECT_FALSE(ParseCourseName("courses/99999999999999999999", "name").ok());
  EXPECT_EQ(CourseName(7), "courses/7");
}

TEST(CourseRulesTest, UpdateTakesOnlyTheMaskedFields) {
  google::protobuf::FieldMask mask;
  mask.add_paths("title");
  mask.add_paths("hours");
  auto paths = CourseUpdatePaths(mask);
  ASSERT_TRUE(paths.ok());
  v1::Course patch;
  patch.set_title("新标题");
  patch.set_hours(8);
  patch.set_description("ignored");
  const v1::Course updated = ApplyCourseUpdate(ValidCourse(), patch, *paths);
  EXPECT_EQ(updated.title(), "新标题");
  EXPECT_EQ(updated.hours(), 8);
  EXPECT_EQ(updated.description(), "");
  EXPECT_TRUE(updated.has_exam());

  google::protobuf::FieldMask bad;
  bad.add_paths("name");
  EXPECT_EQ(CourseUpdatePaths(bad).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CourseUpdatePaths({}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CourseRulesTest, ACourseWithSessionsIsNotDeletable) {
  EXPECT_TRUE(CheckCourseDeletable("courses/1", 0).ok());
  const absl::Status s = CheckCourseDeletable("courses/1", 2);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status::ReasonOf(s), "COURSE_HAS_SESSIONS");
}

}  // namespace
}  // namespace qpp::training
