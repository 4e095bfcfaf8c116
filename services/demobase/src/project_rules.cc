#include "services/demobase/src/project_rules.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/dates/dates.h"
#include "common/resource/names.h"
#include "common/validation/text.h"
#include "services/demobase/src/base_rules.h"

namespace qpp::demobase {
namespace {

constexpr char kProject[] = "demonstration_project.";

const std::vector<std::string>& ProjectMutableFields() {
  static const auto* fields = new std::vector<std::string>{
      "title",      "sector",  "lead_department", "evaluation_system",
      "start_date", "end_date"};
  return *fields;
}

// Checks one changeable field of `project` (or of a new one).
void ValidateProjectField(const v1::DemonstrationProject& project,
                          absl::string_view path, status::FieldErrors& errors) {
  const std::string field = absl::StrCat(kProject, path);
  if (path == "title") {
    validation::CheckText(field, project.title(), 1, 200, errors);
  } else if (path == "sector") {
    if (!project.sector().empty() && !IsSectorCode(project.sector())) {
      errors.Add(field, "must be a sector code of 1..40 of [a-z0-9_]");
    }
  } else if (path == "lead_department") {
    validation::CheckText(field, project.lead_department(), 1, 100, errors);
  } else if (path == "evaluation_system") {
    validation::CheckText(field, project.evaluation_system(), 1, 200, errors);
  } else if (path == "start_date" || path == "end_date") {
    const auto& date =
        path == "start_date" ? project.start_date() : project.end_date();
    if (!dates::ToCivilDay(date).has_value()) {
      errors.Add(field, "must be a real date");
    }
  }
}

// Records a violation if the period ends before it starts.
void CheckPeriod(const ProjectRecord& r, status::FieldErrors& errors) {
  if (r.end_date < r.start_date) {
    errors.Add(absl::StrCat(kProject, "end_date"),
               "must not be before start_date");
  }
}

}  // namespace

std::string ProjectName(int64_t id) {
  return absl::StrCat("demonstrationProjects/", id);
}

absl::StatusOr<int64_t> ParseProjectName(absl::string_view name,
                                         absl::string_view field) {
  QPP_ASSIGN_OR_RETURN(
      std::string id,
      resource::ParseName(name, "demonstrationProjects", field));
  const std::optional<int64_t> value = ParseId(id);
  if (!value.has_value()) {
    return status::InvalidField(
        std::string(field),
        "must be demonstrationProjects/{project} with a numeric id");
  }
  return *value;
}

std::string MilestoneName(int64_t project_id, int64_t id) {
  return absl::StrCat(ProjectName(project_id), "/milestones/", id);
}

absl::StatusOr<std::pair<int64_t, int64_t>> ParseMilestoneName(
    absl::string_view name, absl::string_view field) {
  QPP_ASSIGN_OR_RETURN(resource::ChildName child,
                       resource::ParseChildName(name, "demonstrationProjects",
                                                "milestones", field));
  const std::optional<int64_t> project = ParseId(child.parent);
  const std::optional<int64_t> id = ParseId(child.id);
  if (!project.has_value() || !id.has_value()) {
    return status::InvalidField(std::string(field),
                                "must be demonstrationProjects/{project}/"
                                "milestones/{milestone} with numeric ids");
  }
  return std::make_pair(*project, *id);
}

bool IsShenzhenDistrict(absl::string_view code) {
  return code.size() == 6 && absl::StartsWith(code, "4403") &&
         absl::ascii_isdigit(code[4]) && absl::ascii_isdigit(code[5]) &&
         code.substr(4) != "00";
}

bool IsSectorCode(absl::string_view code) {
  return !code.empty() && code.size() <= 40 &&
         std::all_of(code.begin(), code.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
         });
}

ProjectRecord NewProjectRecord(const v1::DemonstrationProject& p,
                               status::FieldErrors& errors) {
  for (const std::string& path : ProjectMutableFields()) {
    ValidateProjectField(p, path, errors);
  }
  const std::string scope = absl::StrCat(kProject, "scope");
  const std::string sector = absl::StrCat(kProject, "sector");
  const std::string district = absl::StrCat(kProject, "district");
  if (p.scope() == v1::PROJECT_SCOPE_INDUSTRY) {
    if (p.sector().empty()) {
      errors.Add(sector, "is required for an industry project");
    }
    if (!p.district().empty()) {
      errors.Add(district, "must be empty for an industry project");
    }
  } else if (p.scope() == v1::PROJECT_SCOPE_DISTRICT) {
    if (!IsShenzhenDistrict(p.district())) {
      errors.Add(district,
                 "must be a Shenzhen district code 4403xx for a district "
                 "pilot");
    }
  } else {
    errors.Add(scope,
               "must be PROJECT_SCOPE_INDUSTRY or PROJECT_SCOPE_DISTRICT");
  }
  ProjectRecord r;
  r.title = p.title();
  r.scope = p.scope();
  r.sector = p.sector();
  r.district = p.district();
  r.lead_department = p.lead_department();
  r.evaluation_system = p.evaluation_system();
  r.status = v1::PROJECT_STATUS_PLANNED;
  const auto start = dates::ToCivilDay(p.start_date());
  const auto end = dates::ToCivilDay(p.end_date());
  if (start.has_value() && end.has_value()) {
    r.start_date = *start;
    r.end_date = *end;
    CheckPeriod(r, errors);
  }
  return r;
}

absl::StatusOr<std::vector<std::string>> ProjectUpdatePaths(
    const google::protobuf::FieldMask& mask) {
  const auto& allowed = ProjectMutableFields();
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

ProjectRecord ApplyProjectUpdate(const ProjectRecord& current,
                                 const v1::DemonstrationProject& patch,
                                 const std::vector<std::string>& paths,
                                 status::FieldErrors& errors) {
  ProjectRecord out = current;
  bool dates_ok = true;
  for (const std::string& path : paths) {
    ValidateProjectField(patch, path, errors);
    if (path == "title") out.title = patch.title();
    if (path == "sector") {
      out.sector = patch.sector();
      out.sector_display_name.clear();
      if (out.sector.empty() && out.scope == v1::PROJECT_SCOPE_INDUSTRY) {
        errors.Add(absl::StrCat(kProject, "sector"),
                   "is required for an industry project");
      }
    }
    if (path == "lead_department")
      out.lead_department = patch.lead_department();
    if (path == "evaluation_system") {
      out.evaluation_system = patch.evaluation_system();
    }
    if (path == "start_date" || path == "end_date") {
      const bool start = path == "start_date";
      const auto day =
          dates::ToCivilDay(start ? patch.start_date() : patch.end_date());
      if (!day.has_value()) {
        dates_ok = false;
      } else {
        (start ? out.start_date : out.end_date) = *day;
      }
    }
  }
  if (dates_ok) CheckPeriod(out, errors);
  return out;
}

void ValidateTransition(v1::ProjectStatus to, absl::string_view reason,
                        status::FieldErrors& errors) {
  if (to == v1::PROJECT_STATUS_UNSPECIFIED || !v1::ProjectStatus_IsValid(to)) {
    errors.Add("status", "must be a project status to enter");
  }
  validation::CheckText("reason", reason,
                        to == v1::PROJECT_STATUS_SUSPENDED ? 1 : 0, 500,
                        errors);
}

absl::Status CheckProjectTransition(const ProjectRecord& project,
                                    v1::ProjectStatus to,
                                    int64_t pending_milestones) {
  using v1::PROJECT_STATUS_COMPLETED;
  using v1::PROJECT_STATUS_IN_PROGRESS;
  using v1::PROJECT_STATUS_PLANNED;
  using v1::PROJECT_STATUS_SUSPENDED;
  const v1::ProjectStatus from = project.status;
  const bool allowed =
      (from == PROJECT_STATUS_PLANNED &&
       (to == PROJECT_STATUS_IN_PROGRESS || to == PROJECT_STATUS_SUSPENDED)) ||
      (from == PROJECT_STATUS_IN_PROGRESS &&
       (to == PROJECT_STATUS_COMPLETED || to == PROJECT_STATUS_SUSPENDED)) ||
      (from == PROJECT_STATUS_SUSPENDED && to == PROJECT_STATUS_IN_PROGRESS);
  if (!allowed) {
    return status::WithReason(
        absl::StatusCode::kFailedPrecondition, "INVALID_STATUS_CHANGE",
        absl::StrCat(ProjectName(project.id), " is ",
                     v1::ProjectStatus_Name(from), " and cannot become ",
                     v1::ProjectStatus_Name(to)));
  }
  if (to == PROJECT_STATUS_COMPLETED && pending_milestones > 0) {
    return status::WithReason(
        absl::StatusCode::kFailedPrecondition, "MILESTONES_OPEN",
        absl::StrCat(ProjectName(project.id), " has ", pending_milestones,
                     " pending milestone(s); complete them first"));
  }
  return absl::OkStatus();
}

absl::Status CheckProjectOpen(const ProjectRecord& project) {
  if (project.status != v1::PROJECT_STATUS_COMPLETED) return absl::OkStatus();
  return status::WithReason(absl::StatusCode::kFailedPrecondition,
                            "PROJECT_CLOSED",
                            absl::StrCat(ProjectName(project.id),
                                         " is completed; its record is final"));
}

std::string ValidateParticipant(const v1::ProjectParticipant& participant,
                                status::FieldErrors& errors) {
  absl::StatusOr<std::string> uscc = resource::ParseOrganizationName(
      participant.organization(), "participant.organization");
  if (!uscc.ok()) {
    errors.Add("participant.organization",
               "must be organizations/{uscc} with a valid USCC");
  }
  validation::CheckText("participant.role", participant.role(), 1, 50, errors);
  return uscc.ok() ? *uscc : "";
}

std::optional<MilestoneRecord> NewMilestoneRecord(
    const v1::ProjectMilestone& milestone, status::FieldErrors& errors) {
  const bool title_ok = validation::CheckText(
      "milestone.title", milestone.title(), 1, 200, errors);
  const auto due = dates::ToCivilDay(milestone.due_date());
  if (!due.has_value()) errors.Add("milestone.due_date", "must be a real date");
  if (!title_ok || !due.has_value()) return std::nullopt;
  MilestoneRecord r;
  r.title = milestone.title();
  r.due_date = *due;
  r.state = v1::MILESTONE_STATE_PENDING;
  return r;
}

absl::Status CheckMilestoneDue(const ProjectRecord& project,
                               const MilestoneRecord& milestone) {
  if (milestone.due_date >= project.start_date &&
      milestone.due_date <= project.end_date) {
    return absl::OkStatus();
  }
  return status::InvalidField(
      "milestone.due_date",
      absl::StrCat("must be within the project's period ",
                   absl::FormatCivilTime(project.start_date), "..",
                   absl::FormatCivilTime(project.end_date)));
}

absl::Status CheckMilestonesWithinPeriod(
    const ProjectRecord& project,
    const std::vector<MilestoneRecord>& milestones) {
  status::FieldErrors errors;
  for (const MilestoneRecord& m : milestones) {
    const bool early = m.due_date < project.start_date;
    if (!early && m.due_date <= project.end_date) continue;
    errors.Add(absl::StrCat(kProject, early ? "start_date" : "end_date"),
               absl::StrCat("would leave ", MilestoneName(m.project_id, m.id),
                            ", due ", absl::FormatCivilTime(m.due_date),
                            ", outside the project's period"));
  }
  return errors.ToStatus();
}

void ValidateCompletion(const v1::CompleteProjectMilestoneRequest& req,
                        absl::CivilDay today, status::FieldErrors& errors) {
  const auto day = dates::ToCivilDay(req.completed_date());
  if (!day.has_value()) {
    errors.Add("completed_date", "must be a real date");
  } else if (*day > today) {
    errors.Add("completed_date", "must not be in the future");
  }
  validation::CheckText("evidence", req.evidence(), 1, 1000, errors);
}

absl::Status CheckMilestoneCompletion(const ProjectRecord& project,
                                      const MilestoneRecord& milestone) {
  if (project.status != v1::PROJECT_STATUS_IN_PROGRESS) {
    return status::WithReason(
        absl::StatusCode::kFailedPrecondition, "PROJECT_NOT_IN_PROGRESS",
        absl::StrCat(ProjectName(project.id), " is ",
                     v1::ProjectStatus_Name(project.status),
                     "; milestones are completed only while it is in "
                     "progress"));
  }
  if (milestone.state == v1::MILESTONE_STATE_COMPLETED) {
    return status::WithReason(
        absl::StatusCode::kFailedPrecondition, "MILESTONE_COMPLETED",
        absl::StrCat(MilestoneName(milestone.project_id, milestone.id),
                     " was completed before"));
  }
  return absl::OkStatus();
}

v1::ProjectMilestone ToMilestone(const MilestoneRecord& r) {
  v1::ProjectMilestone out;
  out.set_name(MilestoneName(r.project_id, r.id));
  out.set_title(r.title);
  *out.mutable_due_date() = dates::ToDate(r.due_date);
  out.set_state(r.state);
  if (r.completed_date.has_value()) {
    *out.mutable_completed_date() = dates::ToDate(*r.completed_date);
  }
  out.set_evidence(r.evidence);
  *out.mutable_create_time() = dates::ToTimestamp(r.create_time);
  *out.mutable_update_time() = dates::ToTimestamp(r.update_time);
  return out;
}

v1::DemonstrationProject ToProject(
    const ProjectRecord& r,
    const std::vector<ProjectStatusChangeRecord>& history,
    const std::vector<ParticipantRecord>& participants,
    const std::vector<MilestoneRecord>& milestones) {
  v1::DemonstrationProject out;
  out.set_name(ProjectName(r.id));
  out.set_title(r.title);
  out.set_scope(r.scope);
  out.set_sector(r.sector);
  out.set_sector_display_name(r.sector_display_name);
  out.set_district(r.district);
  out.set_lead_department(r.lead_department);
  out.set_evaluation_system(r.evaluation_system);
  *out.mutable_start_date() = dates::ToDate(r.start_date);
  *out.mutable_end_date() = dates::ToDate(r.end_date);
  out.set_status(r.status);
  out.set_status_reason(r.status_reason);
  for (const ProjectStatusChangeRecord& change : history) {
    v1::ProjectStatusChange* c = out.add_history();
    c->set_status(change.status);
    c->set_reason(change.reason);
    c->set_changed_by(change.changed_by);
    *c->mutable_change_time() = dates::ToTimestamp(change.change_time);
  }
  for (const ParticipantRecord& p : participants) {
    v1::ProjectParticipant* o = out.add_participants();
    o->set_organization(resource::OrganizationName(p.organization_uscc));
    o->set_organization_display_name(p.organization_display_name);
    o->set_role(p.role);
    *o->mutable_add_time() = dates::ToTimestamp(p.add_time);
  }
  for (const MilestoneRecord& m : milestones) {
    *out.add_milestones() = ToMilestone(m);
  }
  *out.mutable_create_time() = dates::ToTimestamp(r.create_time);
  *out.mutable_update_time() = dates::ToTimestamp(r.update_time);
  out.set_etag(Etag(r.version));
  return out;
}

}  // namespace qpp::demobase
