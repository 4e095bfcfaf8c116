#include "services/training/src/session_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/dates/dates.h"
#include "common/resource/names.h"
#include "common/validation/text.h"
#include "services/training/src/course_rules.h"

namespace qpp::training {
namespace {

const std::vector<std::string>& SessionMutableFields() {
  static const auto* fields = new std::vector<std::string>{
      "start_date", "end_date", "place", "provider", "capacity"};
  return *fields;
}

}  // namespace

std::string SessionName(int64_t course_id, int64_t id) {
  return absl::StrCat("courses/", course_id, "/sessions/", id);
}

absl::StatusOr<SessionKey> ParseSessionName(absl::string_view name,
                                            absl::string_view field) {
  QPP_ASSIGN_OR_RETURN(
      resource::ChildName child,
      resource::ParseChildName(name, "courses", "sessions", field));
  const std::optional<int64_t> course = ParseId(child.parent);
  const std::optional<int64_t> id = ParseId(child.id);
  if (!course.has_value() || !id.has_value()) {
    return status::InvalidField(
        std::string(field),
        "must be courses/{course}/sessions/{session} with numeric ids");
  }
  return SessionKey{*course, *id};
}

absl::StatusOr<int64_t> ParseSessionsParent(absl::string_view parent) {
  if (parent == absl::StrCat("courses/", resource::kAll)) return 0;
  return ParseCourseName(parent, "parent");
}

void ValidateSession(const v1::Session& session, status::FieldErrors& errors) {
  const auto start = dates::ToCivilDay(session.start_date());
  const auto end = dates::ToCivilDay(session.end_date());
  if (!start.has_value()) {
    errors.Add("session.start_date", "is required: a valid date");
  }
  if (!end.has_value()) {
    errors.Add("session.end_date", "is required: a valid date");
  }
  if (start.has_value() && end.has_value() && *end < *start) {
    errors.Add("session.end_date", "must not be before start_date");
  }
  validation::CheckText("session.place", session.place(), 1, 200, errors);
  if (!resource::ParseOrganizationName(session.provider(), "session.provider")
           .ok()) {
    errors.Add("session.provider",
               "must be organizations/{uscc} with a valid USCC");
  }
  if (session.capacity() < 1 || session.capacity() > 10000) {
    errors.Add("session.capacity", "must be 1..10000 seats");
  }
}

std::string ProviderUscc(const v1::Session& session) {
  return *resource::ParseOrganizationName(session.provider(),
                                          "session.provider");
}

absl::StatusOr<std::vector<std::string>> SessionUpdatePaths(
    const google::protobuf::FieldMask& mask) {
  const auto& allowed = SessionMutableFields();
  if (mask.paths().empty()) {
    return status::InvalidField("update_mask",
                                absl::StrCat("name the fields to change: ",
                                             absl::StrJoin(allowed, ", ")));
  }
  std::vector<std::string> paths;
  for (const std::string& path : mask.paths()) {
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

v1::Session ApplySessionUpdate(const v1::Session& current,
                               const v1::Session& patch,
                               const std::vector<std::string>& paths) {
  v1::Session out = current;
  for (const std::string& path : paths) {
    if (path == "start_date") *out.mutable_start_date() = patch.start_date();
    if (path == "end_date") *out.mutable_end_date() = patch.end_date();
    if (path == "place") out.set_place(patch.place());
    if (path == "provider") out.set_provider(patch.provider());
    if (path == "capacity") out.set_capacity(patch.capacity());
  }
  return out;
}

}  // namespace qpp::training
