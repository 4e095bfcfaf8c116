#include "services/cultivation/src/selection_rules.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/dates/dates.h"
#include "common/resource/names.h"
#include "services/cultivation/src/review_rules.h"

namespace qpp::cultivation {

bool RanksBefore(const ApplicationRecord& a, const ApplicationRecord& b) {
  if (a.consensus_score != b.consensus_score) {
    return a.consensus_score > b.consensus_score;
  }
  if (a.score_spread != b.score_spread) return a.score_spread < b.score_spread;
  if (a.create_time != b.create_time) return a.create_time < b.create_time;
  return a.organization_uscc < b.organization_uscc;
}

std::vector<SelectionDecision> Select(
    const std::vector<ApplicationRecord>& applications,
    const std::vector<std::string>& enrolled, const SelectionBounds& bounds) {
  const std::set<std::string> enrolled_set(enrolled.begin(), enrolled.end());
  std::vector<const ApplicationRecord*> ranked;
  std::vector<SelectionDecision> rejected;
  for (const ApplicationRecord& a : applications) {
    if (!IsLive(a.status)) continue;
    if (enrolled_set.count(a.organization_uscc) > 0) {
      rejected.push_back({a.id, v1::APPLICATION_STATUS_REJECTED, 0,
                          "already actively enrolled in the key-enterprise "
                          "library"});
    } else if (a.status != v1::APPLICATION_STATUS_SCORED) {
      rejected.push_back(
          {a.id, v1::APPLICATION_STATUS_REJECTED, 0,
           absl::StrCat("not scored: ", a.review_count, " of ",
                        bounds.min_reviews, " reviews submitted")});
    } else {
      ranked.push_back(&a);
    }
  }
  std::sort(ranked.begin(), ranked.end(),
            [](const ApplicationRecord* a, const ApplicationRecord* b) {
              return RanksBefore(*a, *b);
            });
  std::sort(rejected.begin(), rejected.end(),
            [](const SelectionDecision& a, const SelectionDecision& b) {
              return a.application_id < b.application_id;
            });
  const int library_room =
      std::max(0, bounds.library_cap - bounds.library_active);
  const int room = std::min(bounds.capacity, library_room);
  std::vector<SelectionDecision> out;
  for (size_t i = 0; i < ranked.size(); ++i) {
    const ApplicationRecord& a = *ranked[i];
    const int rank = static_cast<int>(i) + 1;
    std::string why = absl::StrFormat("rank %d of %d, consensus %.2f", rank,
                                      ranked.size(), a.consensus_score);
    // Say how a tie was broken, against the neighbour it tied with.
    const ApplicationRecord* tied = nullptr;
    if (i > 0 && ranked[i - 1]->consensus_score == a.consensus_score) {
      tied = ranked[i - 1];
    } else if (i + 1 < ranked.size() &&
               ranked[i + 1]->consensus_score == a.consensus_score) {
      tied = ranked[i + 1];
    }
    if (tied != nullptr) {
      absl::StrAppend(&why, "; tied on consensus, ordered by ",
                      tied->score_spread != a.score_spread ? "lower spread"
                      : tied->create_time != a.create_time
                          ? "earlier submission"
                          : "USCC");
    }
    if (a.needs_adjudication)
      absl::StrAppend(&why, "; flagged for adjudication");
    SelectionDecision d{a.id, v1::APPLICATION_STATUS_SELECTED, rank, ""};
    if (rank <= room) {
      d.reason = absl::StrCat("selected: ", why);
    } else {
      d.outcome = v1::APPLICATION_STATUS_WAITLISTED;
      d.reason = absl::StrCat(
          "waitlisted: ", why, "; ",
          room == library_room && library_room < bounds.capacity
              ? absl::StrCat("beyond the room left in the library cap (",
                             library_room, " of ", bounds.library_cap, ")")
              : absl::StrCat("beyond the capacity of ", bounds.capacity));
    }
    out.push_back(std::move(d));
  }
  for (SelectionDecision& d : rejected) out.push_back(std::move(d));
  return out;
}

absl::CivilDay TermEnd(absl::CivilDay start) {
  return absl::CivilDay(start.year() + 2, start.month(), start.day()) - 1;
}

std::string EnrollmentName(int64_t id) {
  return absl::StrCat("enrollments/", id);
}

absl::StatusOr<int64_t> ParseEnrollmentName(absl::string_view name,
                                            absl::string_view field) {
  QPP_ASSIGN_OR_RETURN(std::string id,
                       resource::ParseName(name, "enrollments", field));
  const std::optional<int64_t> value = ParseId(id);
  if (!value.has_value()) {
    return status::InvalidField(
        std::string(field),
        "must be enrollments/{enrollment} with a numeric id");
  }
  return *value;
}

absl::Status CheckActive(const EnrollmentRecord& e) {
  if (e.outcome == v1::ENROLLMENT_OUTCOME_ACTIVE) return absl::OkStatus();
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "ENROLLMENT_NOT_ACTIVE",
      absl::StrCat(EnrollmentName(e.id), " is ",
                   v1::EnrollmentOutcome_Name(e.outcome), ", not active"));
}

std::optional<EnrollmentRecord> ExpireIfOverdue(const EnrollmentRecord& e,
                                                absl::CivilDay today) {
  if (e.outcome != v1::ENROLLMENT_OUTCOME_ACTIVE || e.term_end >= today) {
    return std::nullopt;
  }
  EnrollmentRecord out = e;
  out.outcome = v1::ENROLLMENT_OUTCOME_EXPIRED;
  out.outcome_reason = absl::StrCat(
      "the two-year term ended on ", absl::FormatCivilTime(e.term_end),
      " without an end-of-term acceptance (expiry job)");
  return out;
}

absl::Status CheckNextMilestone(const std::vector<MilestoneRecord>& completed,
                                v1::MilestoneKind kind) {
  const int next = static_cast<int>(completed.size()) + 1;
  if (kind == next) return absl::OkStatus();
  const std::string want =
      next <= v1::MILESTONE_KIND_ACCEPTANCE
          ? v1::MilestoneKind_Name(static_cast<v1::MilestoneKind>(next))
          : "nothing: all five are completed";
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "MILESTONE_OUT_OF_ORDER",
      absl::StrCat(v1::MilestoneKind_Name(kind),
                   " cannot be completed now; the next milestone is ", want));
}

absl::Status CheckCompletionDay(const EnrollmentRecord& e, absl::CivilDay day,
                                absl::CivilDay today) {
  if (day < e.term_start || day > e.term_end) {
    return status::InvalidField(
        "completion_date",
        absl::StrCat("must be within the term, ",
                     absl::FormatCivilTime(e.term_start), " to ",
                     absl::FormatCivilTime(e.term_end)));
  }
  if (day > today) {
    return status::InvalidField("completion_date", "must not be in the future");
  }
  return absl::OkStatus();
}

absl::Status CheckStaffTrained(int attended, int required, absl::CivilDay first,
                               absl::CivilDay last) {
  if (attended >= required) return absl::OkStatus();
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "TOO_FEW_STAFF_TRAINED",
      absl::StrCat("training's records show ", attended,
                   " of the enterprise's staff attending a session from ",
                   absl::FormatCivilTime(first), " to ",
                   absl::FormatCivilTime(last), "; at least ", required,
                   " are required"));
}

v1::Enrollment ToEnrollment(const EnrollmentRecord& r,
                            const std::vector<MilestoneRecord>& completed) {
  v1::Enrollment out;
  out.set_name(EnrollmentName(r.id));
  out.set_organization(resource::OrganizationName(r.organization_uscc));
  out.set_organization_display_name(r.organization_display_name);
  out.set_track(r.track);
  if (r.application_id != 0) {
    out.set_application(ApplicationName(r.cohort_year, r.application_id));
  }
  *out.mutable_term_start_date() = dates::ToDate(r.term_start);
  *out.mutable_term_end_date() = dates::ToDate(r.term_end);
  out.set_outcome(r.outcome);
  out.set_outcome_reason(r.outcome_reason);
  *out.mutable_create_time() = dates::ToTimestamp(r.create_time);
  *out.mutable_update_time() = dates::ToTimestamp(r.update_time);
  out.set_etag(Etag(r.version));
  for (int k = v1::MILESTONE_KIND_INITIAL_DIAGNOSIS;
       k <= v1::MILESTONE_KIND_ACCEPTANCE; ++k) {
    v1::Milestone* m = out.add_milestones();
    m->set_kind(static_cast<v1::MilestoneKind>(k));
    m->set_status(v1::MILESTONE_STATUS_PENDING);
    for (const MilestoneRecord& c : completed) {
      if (c.kind != k) continue;
      m->set_status(v1::MILESTONE_STATUS_COMPLETED);
      *m->mutable_completion_date() = dates::ToDate(c.completion_day);
      if (c.expert_id != 0) m->set_expert(ExpertName(c.expert_id));
      m->set_report_reference(c.report_reference);
      m->set_completed_by(c.completed_by);
      *m->mutable_complete_time() = dates::ToTimestamp(c.complete_time);
    }
  }
  if (r.acceptance_score.has_value()) {
    out.set_acceptance_score(*r.acceptance_score);
  }
  return out;
}

}  // namespace qpp::cultivation
