#pragma once

// Rules of funding eligibility: which rule version is in force on a day,
// what a rule version must hold, and the eligibility test of each scheme
// kind applied to the facts read from the services that own them. Pure
// functions; no gRPC, no SQL.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/status/status.h"
#include "qpp/funding/v1/resources.pb.h"

namespace qpp::funding {

// One version of a scheme's rule, as stored.
struct RuleVersion {
  std::string scheme;  // the scheme's code
  int32_t version = 0;
  absl::CivilDay effective_from;
  int64_t amount_cap_fen = 0;
  int32_t validity_months = 0;
  double min_score = 0;
  int32_t min_count = 0;
  std::string basis;
  absl::Time create_time;
};

// A scheme as stored, with its versions oldest first.
struct SchemeRecord {
  std::string code;
  std::string title;
  v1::SchemeKind kind = v1::SCHEME_KIND_UNSPECIFIED;
  absl::Time create_time;
  std::vector<RuleVersion> rules;
};

// Whether `code` is a scheme code: 3..40 of [a-z0-9-], starting with a
// letter, not ending with '-'.
bool IsSchemeCode(absl::string_view code);

// Adds a violation to `errors` (field paths under `prefix`, e.g. "rule")
// for each field of a rule version that is out of range for `kind`.
void ValidateRule(v1::SchemeKind kind, const RuleVersion& rule,
                  absl::string_view prefix, status::FieldErrors& errors);

// The version in force on `day`: the one with the latest effective_from on
// or before it; nullopt if none. `rules` oldest first.
std::optional<RuleVersion> RuleInForce(const std::vector<RuleVersion>& rules,
                                       absl::CivilDay day);

// "fundingSchemes/{code}/rules/{version}".
std::string RuleName(const RuleVersion& rule);

// A fact as read from its owner, or why it could not be read.
template <typename T>
struct Reading {
  std::optional<T> value;  // nullopt: unavailable
  std::string source;      // fully-qualified service name
  absl::Time read_time;
  std::string unavailable_reason;  // when value is nullopt
};

// What the registry says about the organisation.
struct OrganizationFacts {
  bool registered = false;
  bool enterprise = false;
  bool archived = false;
  // "GOOD", "RESTRICTED", … (the registry's credit standing, short form).
  std::string credit_standing;
  bool credit_restricted = false;
  // "MICRO", "SMALL", "MEDIUM", "LARGE", "UNKNOWN".
  std::string size_class;
};

// The organisation's Excellence Launch enrolment, from cultivation.
struct EnrolmentFacts {
  bool enrolled = false;  // an enrolment exists
  bool active = false;    // in its term and not ended
  absl::CivilDay term_start;
  absl::CivilDay term_end;
  // "ACCEPTED", "FAILED", "WITHDRAWN", "EXPIRED", or "" while active.
  std::string outcome;
  double acceptance_score = 0;
  absl::CivilDay accepted_on;
};

// The organisation in the growth plan, from cultivation.
struct GrowthPlanFacts {
  bool participant = false;
  bool review_passed = false;
  bool priority = false;
  absl::CivilDay reviewed_on;
};

// The organisation as a demonstration base this year, from demobase.
struct DemonstrationBaseFacts {
  bool active_base = false;  // an active designation this year
  int32_t events_held = 0;   // this year to date
  bool behind_minimum = false;
};

// The organisation's certified staff, from training.
struct TrainingFacts {
  int32_t certified_staff = 0;  // distinct holders of a valid certificate
};

// Everything a scheme may look at. Only the parts its kind needs are read.
struct Facts {
  Reading<OrganizationFacts> organization;
  Reading<EnrolmentFacts> enrolment;
  Reading<GrowthPlanFacts> growth_plan;
  Reading<DemonstrationBaseFacts> base;
  Reading<TrainingFacts> training;
};

// Which parts of Facts to read. A scheme kind always needs the
// organisation; the quality record reads the registry's part itself.
struct FactNeeds {
  bool organization = true;
  bool enrolment = false;
  bool growth_plan = false;
  bool base = false;
  bool training = false;
};
FactNeeds NeedsOf(v1::SchemeKind kind);

// The result of applying a rule version to the facts.
struct Evaluation {
  v1::Outcome outcome = v1::OUTCOME_UNSPECIFIED;
  std::vector<v1::Reason> reasons;
  std::vector<v1::Fact> facts;               // the facts used, for the record
  std::optional<absl::CivilDay> valid_from;  // eligible only
  std::optional<absl::CivilDay> valid_to;    // eligible only
  int64_t amount_cap_fen = 0;                // eligible only
};

// Applies `rule` of a scheme of `kind` to `facts` on `today`. An unreadable
// fact the kind needs gives PENDING (reason FACT_UNAVAILABLE) — unless a
// readable fact already makes the organisation ineligible (not registered,
// archived, credit restricted), which decides alone.
Evaluation Evaluate(v1::SchemeKind kind, const RuleVersion& rule,
                    const Facts& facts, absl::CivilDay today);

// A digest of what a decision says: rule, outcome, cap and reasons, but
// neither the facts' read times nor the validity dates (which for some
// kinds start on the day of evaluation). A new evaluation with the same
// digest as the current decision leaves it current while it is still valid.
std::string Fingerprint(const RuleVersion& rule, const Evaluation& evaluation);

// The direction of self-assessment totals, oldest first: NONE without any,
// SINGLE with one, else RISING / FALLING when the last differs from the one
// before by more than 10 points, STEADY otherwise.
v1::Trend TrendOf(const std::vector<double>& totals);

}  // namespace qpp::funding
