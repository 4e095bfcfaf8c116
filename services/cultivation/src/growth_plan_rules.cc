#include "services/cultivation/src/growth_plan_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/dates/dates.h"
#include "common/resource/names.h"
#include "common/validation/text.h"
#include "services/cultivation/src/cohort_rules.h"
#include "services/cultivation/src/review_rules.h"

namespace qpp::cultivation {
namespace {

const std::vector<std::string>& ParticipantMutableFields() {
  static const auto* kFields =
      new std::vector<std::string>{"categories", "statement"};
  return *kFields;
}

}  // namespace

std::string ParticipantName(int64_t id) {
  return absl::StrCat("growthPlanParticipants/", id);
}

absl::StatusOr<int64_t> ParseParticipantName(absl::string_view name,
                                             absl::string_view field) {
  QPP_ASSIGN_OR_RETURN(
      std::string id,
      resource::ParseName(name, "growthPlanParticipants", field));
  const std::optional<int64_t> value = ParseId(id);
  if (!value.has_value()) {
    return status::InvalidField(
        std::string(field),
        "must be growthPlanParticipants/{participant} with a numeric id");
  }
  return *value;
}

uint32_t CategoryBits(const google::protobuf::RepeatedField<int>& categories,
                      absl::string_view field, status::FieldErrors& errors) {
  if (categories.empty()) {
    errors.Add(std::string(field),
               "name one or more of listing cultivation, growth, innovative");
    return 0;
  }
  uint32_t bits = 0;
  for (int c : categories) {
    if (!v1::GrowthCategory_IsValid(c) ||
        c == v1::GROWTH_CATEGORY_UNSPECIFIED) {
      errors.Add(std::string(field), "holds an unknown category");
      return 0;
    }
    const uint32_t bit = 1u << c;
    if ((bits & bit) != 0) {
      errors.Add(std::string(field),
                 absl::StrCat(v1::GrowthCategory_Name(c), " is named twice"));
      return 0;
    }
    bits |= bit;
  }
  return bits;
}

ParticipantRecord NewParticipant(const v1::GrowthPlanParticipant& in,
                                 status::FieldErrors& errors) {
  ParticipantRecord out;
  absl::StatusOr<std::string> uscc = resource::ParseOrganizationName(
      in.organization(), "participant.organization");
  if (!uscc.ok()) {
    errors.Add("participant.organization",
               "must be organizations/{uscc} with a valid USCC");
  } else {
    out.organization_uscc = *uscc;
  }
  out.categories =
      CategoryBits(in.categories(), "participant.categories", errors);
  validation::CheckText("participant.statement", in.statement(), 0, 2000,
                        errors);
  out.statement = in.statement();
  return out;
}

bool IsSmeSizeClass(absl::string_view size_class) {
  return size_class == "SIZE_CLASS_MEDIUM" ||
         size_class == "SIZE_CLASS_SMALL" || size_class == "SIZE_CLASS_MICRO";
}

absl::Status CheckGrowthPlanApplicant(
    const RegisteredOrganization& organization) {
  const std::string name = resource::OrganizationName(organization.uscc);
  if (!organization.active) {
    return status::WithReason(absl::StatusCode::kFailedPrecondition,
                              "ORGANIZATION_NOT_REGISTERED",
                              absl::StrCat("participant.organization: ", name,
                                           " is archived in the registry"));
  }
  if (!organization.enterprise) {
    return status::WithReason(
        absl::StatusCode::kFailedPrecondition, "ORGANIZATION_NOT_ENTERPRISE",
        absl::StrCat("participant.organization: ", name,
                     " is not an enterprise; the growth plan takes small and "
                     "medium-sized enterprises only"));
  }
  if (!IsSmeSizeClass(organization.size_class)) {
    const bool unknown = organization.size_class.empty() ||
                         organization.size_class == "SIZE_CLASS_UNSPECIFIED";
    return status::WithReason(
        absl::StatusCode::kFailedPrecondition, "NOT_SME",
        absl::StrCat("participant.organization: ", name,
                     unknown
                         ? " has no size class in the registry (report "
                           "its employees, revenue or assets first)"
                         : absl::StrCat(" is classed ", organization.size_class,
                                        " in the registry"),
                     "; the growth plan takes small and medium-sized "
                     "enterprises only"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ParticipantUpdatePaths(
    const google::protobuf::FieldMask& mask) {
  const auto& allowed = ParticipantMutableFields();
  if (mask.paths().empty()) {
    return status::InvalidField("update_mask",
                                absl::StrCat("name the fields to change: ",
                                             absl::StrJoin(allowed, ", ")));
  }
  std::vector<std::string> paths;
  for (const std::string& path : mask.paths()) {
    if (std::find(allowed.begin(), allowed.end(), path) == allowed.end()) {
      return status::InvalidField(
          "update_mask", absl::StrCat(path, " cannot be changed; only ",
                                      absl::StrJoin(allowed, ", ")));
    }
    paths.push_back(path);
  }
  return paths;
}

ParticipantRecord ApplyParticipantUpdate(const ParticipantRecord& stored,
                                         const v1::GrowthPlanParticipant& patch,
                                         const std::vector<std::string>& paths,
                                         status::FieldErrors& errors) {
  ParticipantRecord out = stored;
  for (const std::string& path : paths) {
    if (path == "categories") {
      out.categories =
          CategoryBits(patch.categories(), "participant.categories", errors);
    } else if (path == "statement") {
      validation::CheckText("participant.statement", patch.statement(), 0, 2000,
                            errors);
      out.statement = patch.statement();
    }
  }
  return out;
}

absl::Status CheckNextCoaching(const std::vector<CoachingRecord>& completed,
                               v1::OperatingModule module) {
  const int next = static_cast<int>(completed.size()) + 1;
  if (module == next) return absl::OkStatus();
  const std::string want =
      next <= v1::OPERATING_MODULE_HUMAN_RESOURCES
          ? v1::OperatingModule_Name(static_cast<v1::OperatingModule>(next))
          : "nothing: all four are coached";
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "MILESTONE_OUT_OF_ORDER",
      absl::StrCat("the coaching of ", v1::OperatingModule_Name(module),
                   " cannot be completed now; the next module is ", want));
}

absl::Status CheckCoachingDay(absl::string_view field, absl::CivilDay day,
                              absl::CivilDay applied, absl::CivilDay today) {
  if (day < applied) {
    return status::InvalidField(
        std::string(field), absl::StrCat("must not be before the application, ",
                                         absl::FormatCivilTime(applied)));
  }
  if (day > today) {
    return status::InvalidField(std::string(field),
                                "must not be in the future");
  }
  return absl::OkStatus();
}

absl::Status CheckCoachingComplete(
    const std::vector<CoachingRecord>& completed) {
  if (completed.size() >= v1::OPERATING_MODULE_HUMAN_RESOURCES) {
    return absl::OkStatus();
  }
  const auto next = static_cast<v1::OperatingModule>(completed.size() + 1);
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "COACHING_INCOMPLETE",
      absl::StrCat("the compliance review comes after the coaching of all "
                   "four operating modules; ",
                   completed.size(), " of 4 are coached, next ",
                   v1::OperatingModule_Name(next)));
}

ParticipantRecord ApplyReview(const ParticipantRecord& stored,
                              const ComplianceReviewRecord& review) {
  ParticipantRecord out = stored;
  out.review_passed = review.passed;
  out.priority = review.passed;
  out.review_day = review.review_day;
  return out;
}

v1::GrowthPlanParticipant ToParticipant(
    const ParticipantRecord& r, const std::vector<CoachingRecord>& coaching,
    const std::vector<ComplianceReviewRecord>& reviews) {
  v1::GrowthPlanParticipant out;
  out.set_name(ParticipantName(r.id));
  out.set_organization(resource::OrganizationName(r.organization_uscc));
  out.set_organization_display_name(r.organization_display_name);
  out.set_size_class(r.size_class);
  for (int c = v1::GROWTH_CATEGORY_LISTING_CULTIVATION;
       c <= v1::GROWTH_CATEGORY_INNOVATIVE; ++c) {
    if ((r.categories & (1u << c)) != 0) {
      out.add_categories(static_cast<v1::GrowthCategory>(c));
    }
  }
  out.set_statement(r.statement);
  for (int k = v1::OPERATING_MODULE_GOVERNANCE_STRUCTURE;
       k <= v1::OPERATING_MODULE_HUMAN_RESOURCES; ++k) {
    v1::CoachingMilestone* m = out.add_coaching();
    m->set_module(static_cast<v1::OperatingModule>(k));
    m->set_status(v1::MILESTONE_STATUS_PENDING);
    for (const CoachingRecord& c : coaching) {
      if (c.module != k) continue;
      m->set_status(v1::MILESTONE_STATUS_COMPLETED);
      *m->mutable_completion_date() = dates::ToDate(c.completion_day);
      if (c.expert_id != 0) m->set_expert(ExpertName(c.expert_id));
      m->set_report_reference(c.report_reference);
      m->set_completed_by(c.completed_by);
      *m->mutable_complete_time() = dates::ToTimestamp(c.complete_time);
    }
  }
  for (const ComplianceReviewRecord& v : reviews) {
    v1::ComplianceReview* out_review = out.add_reviews();
    out_review->set_passed(v.passed);
    out_review->set_findings(v.findings);
    out_review->set_reason(v.reason);
    *out_review->mutable_review_date() = dates::ToDate(v.review_day);
    out_review->set_reviewed_by(v.reviewed_by);
    *out_review->mutable_review_time() = dates::ToTimestamp(v.review_time);
  }
  out.set_review_passed(r.review_passed);
  out.set_priority(r.priority);
  if (r.review_day.has_value()) {
    *out.mutable_review_date() = dates::ToDate(*r.review_day);
  }
  *out.mutable_create_time() = dates::ToTimestamp(r.create_time);
  *out.mutable_update_time() = dates::ToTimestamp(r.update_time);
  out.set_etag(Etag(r.version));
  return out;
}

}  // namespace qpp::cultivation
