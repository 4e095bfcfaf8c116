#include "services/cultivation/src/application_rules.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/dates/dates.h"
#include "common/resource/names.h"
#include "common/validation/text.h"

namespace qpp::cultivation {

std::string ApplicationName(int32_t year, int64_t id) {
  return absl::StrCat("cohorts/", year, "/applications/", id);
}

absl::StatusOr<ApplicationKey> ParseApplicationName(absl::string_view name,
                                                    absl::string_view field) {
  QPP_ASSIGN_OR_RETURN(
      resource::ChildName parts,
      resource::ParseChildName(name, "cohorts", "applications", field));
  const std::optional<int64_t> year = ParseId(parts.parent);
  const std::optional<int64_t> id = ParseId(parts.id);
  if (!year.has_value() || *year < 2000 || *year > 2100 || !id.has_value()) {
    return status::InvalidField(
        std::string(field),
        "must be cohorts/{year}/applications/{application} with a year "
        "2000..2100 and a numeric id");
  }
  return ApplicationKey{static_cast<int32_t>(*year), *id};
}

void ValidateNewApplication(const v1::Application& application,
                            status::FieldErrors& errors) {
  if (!resource::ParseOrganizationName(application.organization(),
                                       "application.organization")
           .ok()) {
    errors.Add("application.organization",
               "must be organizations/{uscc} with a valid USCC");
  }
  validation::CheckText("application.statement", application.statement(), 0,
                        2000, errors);
}

absl::Status CheckApplicant(const RegisteredOrganization& organization) {
  const std::string name = resource::OrganizationName(organization.uscc);
  if (!organization.active) {
    return status::WithReason(absl::StatusCode::kFailedPrecondition,
                              "ORGANIZATION_NOT_REGISTERED",
                              absl::StrCat("application.organization: ", name,
                                           " is archived in the registry"));
  }
  if (!organization.enterprise) {
    return status::WithReason(
        absl::StatusCode::kFailedPrecondition, "ORGANIZATION_NOT_ENTERPRISE",
        absl::StrCat("application.organization: ", name,
                     " is not an enterprise; Excellence Launch takes "
                     "enterprises only"));
  }
  if (!organization.good_credit) {
    return status::WithReason(
        absl::StatusCode::kFailedPrecondition, "CREDIT_RESTRICTED",
        absl::StrCat("application.organization: ", name,
                     " has a restricted credit standing in the registry"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ApplicationRecord> Adjudicate(
    const ApplicationRecord& application, v1::AdjudicationDecision decision,
    double score) {
  if (!application.needs_adjudication) {
    return status::WithReason(
        absl::StatusCode::kFailedPrecondition, "NOT_FLAGGED_FOR_ADJUDICATION",
        absl::StrCat(ApplicationName(application.cohort_year, application.id),
                     " is not flagged for adjudication"));
  }
  if (application.status != v1::APPLICATION_STATUS_UNDER_REVIEW &&
      application.status != v1::APPLICATION_STATUS_SCORED) {
    return status::WithReason(
        absl::StatusCode::kFailedPrecondition, "INVALID_STATUS_CHANGE",
        absl::StrCat("an application ",
                     v1::ApplicationStatus_Name(application.status),
                     " cannot be adjudicated; only under review or scored"));
  }
  ApplicationRecord out = application;
  out.needs_adjudication = false;
  if (decision == v1::ADJUDICATION_DECISION_SET_SCORE) {
    out.consensus_score = score;
  }
  return out;
}

std::string AdjudicationReason(const ApplicationRecord& before,
                               const ApplicationRecord& after,
                               v1::AdjudicationDecision decision,
                               absl::string_view reason) {
  return Clip(
      absl::StrCat("adjudicated (", v1::AdjudicationDecision_Name(decision),
                   absl::StrFormat(", spread %.2f, score %.2f -> %.2f): ",
                                   before.score_spread, before.consensus_score,
                                   after.consensus_score),
                   reason),
      500);
}

absl::Status CheckTransition(const ApplicationRecord& application,
                             v1::ApplicationStatus to) {
  const v1::ApplicationStatus from = application.status;
  bool allowed = false;
  switch (to) {
    case v1::APPLICATION_STATUS_UNDER_REVIEW:
      allowed = from == v1::APPLICATION_STATUS_SUBMITTED;
      break;
    case v1::APPLICATION_STATUS_SCORED:
      allowed = from == v1::APPLICATION_STATUS_UNDER_REVIEW;
      break;
    case v1::APPLICATION_STATUS_SELECTED:
    case v1::APPLICATION_STATUS_WAITLISTED:
      allowed = from == v1::APPLICATION_STATUS_SCORED;
      break;
    case v1::APPLICATION_STATUS_REJECTED:
    case v1::APPLICATION_STATUS_WITHDRAWN:
      allowed = from == v1::APPLICATION_STATUS_SUBMITTED ||
                from == v1::APPLICATION_STATUS_UNDER_REVIEW ||
                from == v1::APPLICATION_STATUS_SCORED;
      break;
    default:
      break;
  }
  if (allowed) return absl::OkStatus();
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "INVALID_STATUS_CHANGE",
      absl::StrCat(ApplicationName(application.cohort_year, application.id),
                   " is ", v1::ApplicationStatus_Name(from),
                   " and cannot become ", v1::ApplicationStatus_Name(to)));
}

bool IsLive(v1::ApplicationStatus status) {
  return status != v1::APPLICATION_STATUS_WITHDRAWN;
}

void ValidateReason(absl::string_view reason, bool required,
                    status::FieldErrors& errors) {
  validation::CheckText("reason", reason, required ? 1 : 0, 500, errors);
}

std::string Clip(absl::string_view text, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    // A character starts at every byte that is not a continuation byte.
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (chars == max_chars) return std::string(text.substr(0, i));
      ++chars;
    }
  }
  return std::string(text);
}

v1::Application ToApplication(const ApplicationRecord& r,
                              const std::vector<TransitionRecord>& history) {
  v1::Application out;
  out.set_name(ApplicationName(r.cohort_year, r.id));
  out.set_organization(resource::OrganizationName(r.organization_uscc));
  out.set_organization_display_name(r.organization_display_name);
  out.set_statement(r.statement);
  out.set_self_assessment(r.self_assessment);
  out.set_self_assessment_total(r.self_assessment_total);
  out.set_assessor_certificate(r.assessor_certificate);
  out.set_assessor_not_certified(r.assessor_not_certified);
  out.set_status(r.status);
  out.set_status_reason(r.status_reason);
  for (const TransitionRecord& t : history) {
    v1::StatusTransition* c = out.add_history();
    c->set_from_status(t.from_status);
    c->set_to_status(t.to_status);
    c->set_reason(t.reason);
    c->set_changed_by(t.changed_by);
    *c->mutable_change_time() = dates::ToTimestamp(t.change_time);
  }
  out.set_review_count(r.review_count);
  out.set_consensus_score(r.consensus_score);
  out.set_score_spread(r.score_spread);
  out.set_needs_adjudication(r.needs_adjudication);
  out.set_selection_rank(r.selection_rank);
  *out.mutable_create_time() = dates::ToTimestamp(r.create_time);
  *out.mutable_update_time() = dates::ToTimestamp(r.update_time);
  out.set_etag(Etag(r.version));
  return out;
}

}  // namespace qpp::cultivation
