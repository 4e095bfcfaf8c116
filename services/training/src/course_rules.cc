#include "services/training/src/course_rules.h"

#include <algorithm>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/resource/names.h"
#include "common/validation/text.h"

namespace qpp::training {
namespace {

constexpr absl::string_view kCourses = "courses";

const std::vector<std::string>& CourseMutableFields() {
  static const auto* fields = new std::vector<std::string>{
      "title", "kind", "hours", "has_exam", "certificate_type", "description"};
  return *fields;
}

}  // namespace

std::string CourseName(int64_t id) { return absl::StrCat(kCourses, "/", id); }

std::optional<int64_t> ParseId(absl::string_view id) {
  int64_t value = 0;
  if (id.empty() || id.size() > 18 ||
      !std::all_of(id.begin(), id.end(),
                   [](char c) { return c >= '0' && c <= '9'; }) ||
      !absl::SimpleAtoi(id, &value) || value <= 0) {
    return std::nullopt;
  }
  return value;
}

absl::StatusOr<int64_t> ParseCourseName(absl::string_view name,
                                        absl::string_view field) {
  QPP_ASSIGN_OR_RETURN(std::string id,
                       resource::ParseName(name, kCourses, field));
  const std::optional<int64_t> value = ParseId(id);
  if (!value.has_value()) {
    return status::InvalidField(std::string(field),
                                "must be courses/{id} with a numeric id");
  }
  return *value;
}

void ValidateCourse(const v1::Course& course, status::FieldErrors& errors) {
  validation::CheckText("course.title", course.title(), 1, 200, errors);
  validation::CheckText("course.description", course.description(), 0, 2000,
                        errors);
  if (course.kind() == v1::COURSE_KIND_UNSPECIFIED ||
      !v1::CourseKind_IsValid(course.kind())) {
    errors.Add("course.kind", "is required: one of the COURSE_KIND_ values");
  }
  if (course.hours() < 1 || course.hours() > 2000) {
    errors.Add("course.hours", "must be 1..2000 class hours");
  }
  if (!v1::CertificateType_IsValid(course.certificate_type())) {
    errors.Add("course.certificate_type", "is not a known certificate type");
  } else if (course.certificate_type() != v1::CERTIFICATE_TYPE_UNSPECIFIED &&
             !course.has_exam()) {
    errors.Add("course.has_exam",
               "must be true for a course that leads to a certificate");
  }
}

absl::StatusOr<std::vector<std::string>> CourseUpdatePaths(
    const google::protobuf::FieldMask& mask) {
  if (mask.paths().empty()) {
    return status::InvalidField(
        "update_mask",
        absl::StrCat("name the fields to change: ",
                     absl::StrJoin(CourseMutableFields(), ", ")));
  }
  std::vector<std::string> paths;
  for (const std::string& path : mask.paths()) {
    const auto& allowed = CourseMutableFields();
    if (std::find(allowed.begin(), allowed.end(), path) == allowed.end()) {
      return status::InvalidField(
          "update_mask",
          absl::StrCat("cannot change \"", path, "\"; changeable fields: ",
                       absl::StrJoin(allowed, ", ")));
    }
    paths.push_back(path);
  }
  return paths;
}

v1::Course ApplyCourseUpdate(const v1::Course& current, const v1::Course& patch,
                             const std::vector<std::string>& paths) {
  v1::Course out = current;
  for (const std::string& path : paths) {
    if (path == "title") out.set_title(patch.title());
    if (path == "kind") out.set_kind(patch.kind());
    if (path == "hours") out.set_hours(patch.hours());
    if (path == "has_exam") out.set_has_exam(patch.has_exam());
    if (path == "certificate_type") {
      out.set_certificate_type(patch.certificate_type());
    }
    if (path == "description") out.set_description(patch.description());
  }
  return out;
}

absl::Status CheckCourseDeletable(absl::string_view name, int64_t sessions) {
  if (sessions == 0) return absl::OkStatus();
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "COURSE_HAS_SESSIONS",
      absl::StrCat(name, " has ", sessions,
                   " session(s); delete them before the course"));
}

}  // namespace qpp::training
