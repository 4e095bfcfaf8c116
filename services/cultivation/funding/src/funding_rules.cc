#include "services/cultivation/funding/src/funding_rules.h"

#include <openssl/sha.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/dates/dates.h"

namespace qpp::funding {
namespace {

constexpr char kRegistry[] = "qpp.registry.v1.RegistryService";
constexpr char kCultivation[] = "qpp.cultivation.v1.CultivationService";
constexpr char kDemoBase[] = "qpp.demobase.v1.DemoBaseService";
constexpr char kTraining[] = "qpp.training.v1.TrainingService";

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// The day before the same day `months` later (clamped to the month's end):
// the last day of a validity of `months` starting on `from`.
absl::CivilDay LastDayOf(absl::CivilDay from, int months) {
  const absl::CivilMonth month = absl::CivilMonth(from) + months;
  const absl::CivilDay first_of_next(month + 1);
  const int days_in_month =
      static_cast<int>(first_of_next - absl::CivilDay(month));
  const absl::CivilDay same(month.year(), month.month(),
                            std::min(from.day(), days_in_month));
  return same - 1;
}

// Builds an evaluation step by step, in the order the rule checks.
class Verdict {
 public:
  Verdict(const RuleVersion& rule) : rule_(rule) {}

  void Fact(absl::string_view name, absl::string_view value,
            absl::string_view source, absl::Time read_time) {
    v1::Fact* fact = &result_.facts.emplace_back();
    fact->set_name(std::string(name));
    fact->set_value(std::string(value));
    fact->set_source(std::string(source));
    *fact->mutable_read_time() = dates::ToTimestamp(read_time);
  }
  void Reason(absl::string_view code, absl::string_view detail) {
    v1::Reason* reason = &result_.reasons.emplace_back();
    reason->set_code(std::string(code));
    reason->set_rule(RuleName(rule_));
    reason->set_basis(rule_.basis);
    reason->set_detail(std::string(detail));
  }
  Evaluation Ineligible(absl::string_view code, absl::string_view detail) {
    Reason(code, detail);
    result_.outcome = v1::OUTCOME_INELIGIBLE;
    return std::move(result_);
  }
  Evaluation Pending(absl::string_view code, absl::string_view detail) {
    Reason(code, detail);
    result_.outcome = v1::OUTCOME_PENDING;
    return std::move(result_);
  }
  Evaluation Eligible(absl::string_view code, absl::string_view detail,
                      absl::CivilDay from, absl::CivilDay to) {
    Reason(code, detail);
    result_.outcome = v1::OUTCOME_ELIGIBLE;
    result_.valid_from = from;
    result_.valid_to = to;
    result_.amount_cap_fen = rule_.amount_cap_fen;
    return std::move(result_);
  }

 private:
  const RuleVersion& rule_;
  Evaluation result_;
};

std::string Unavailable(absl::string_view what, absl::string_view source,
                        absl::string_view why) {
  return absl::StrCat(what, " could not be read from ", source,
                      why.empty() ? "" : ": ", why);
}

}  // namespace

bool IsSchemeCode(absl::string_view code) {
  if (code.size() < 3 || code.size() > 40) return false;
  if (!absl::ascii_islower(code.front()) || code.back() == '-') return false;
  return std::all_of(code.begin(), code.end(), [](char c) {
    return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-';
  });
}

void ValidateRule(v1::SchemeKind kind, const RuleVersion& rule,
                  absl::string_view prefix, status::FieldErrors& errors) {
  const std::string p(prefix);
  if (rule.amount_cap_fen <= 0 || rule.amount_cap_fen > 100'000'000'000) {
    errors.Add(p + ".amount_cap_fen",
               "must be 1..100000000000 fen (at most 1 billion CNY)");
  }
  const bool needs_validity = kind == v1::SCHEME_KIND_ACCEPTANCE_AWARD ||
                              kind == v1::SCHEME_KIND_GROWTH_PLAN_PRIORITY ||
                              kind == v1::SCHEME_KIND_TRAINING_SUBSIDY;
  if (needs_validity
          ? (rule.validity_months < 1 || rule.validity_months > 60)
          : (rule.validity_months < 0 || rule.validity_months > 60)) {
    errors.Add(p + ".validity_months",
               needs_validity ? "must be 1..60 for this kind of scheme"
                              : "must be 0..60");
  }
  if (!(rule.min_score >= 0 && rule.min_score <= 100)) {
    errors.Add(p + ".min_score",
               "must be 0..100, the scale of the end-of-term acceptance");
  }
  if (rule.min_count < 0 || rule.min_count > 100000) {
    errors.Add(p + ".min_count", "must be 0..100000");
  }
  if (kind == v1::SCHEME_KIND_TRAINING_SUBSIDY && rule.min_count < 1) {
    errors.Add(p + ".min_count", "must be at least 1 for a training subsidy");
  }
}

std::optional<RuleVersion> RuleInForce(const std::vector<RuleVersion>& rules,
                                       absl::CivilDay day) {
  std::optional<RuleVersion> found;
  for (const RuleVersion& rule : rules) {
    if (rule.effective_from <= day &&
        (!found.has_value() || rule.effective_from >= found->effective_from)) {
      found = rule;
    }
  }
  return found;
}

std::string RuleName(const RuleVersion& rule) {
  return absl::StrCat("fundingSchemes/", rule.scheme, "/rules/", rule.version);
}

FactNeeds NeedsOf(v1::SchemeKind kind) {
  FactNeeds needs;
  switch (kind) {
    case v1::SCHEME_KIND_EXCELLENCE_LAUNCH_SUPPORT:
    case v1::SCHEME_KIND_ACCEPTANCE_AWARD:
      needs.enrolment = true;
      break;
    case v1::SCHEME_KIND_GROWTH_PLAN_PRIORITY:
      needs.growth_plan = true;
      break;
    case v1::SCHEME_KIND_DEMONSTRATION_BASE_SUBSIDY:
      needs.base = true;
      break;
    case v1::SCHEME_KIND_TRAINING_SUBSIDY:
      needs.training = true;
      break;
    default:
      break;
  }
  return needs;
}

Evaluation Evaluate(v1::SchemeKind kind, const RuleVersion& rule,
                    const Facts& facts, absl::CivilDay today) {
  Verdict verdict(rule);

  // The organisation first: facts that make it ineligible decide alone.
  const Reading<OrganizationFacts>& org = facts.organization;
  if (!org.value.has_value()) {
    return verdict.Pending(
        "FACT_UNAVAILABLE",
        Unavailable("the organisation", kRegistry, org.unavailable_reason));
  }
  verdict.Fact("registry.registered", org.value->registered ? "true" : "false",
               kRegistry, org.read_time);
  if (!org.value->registered) {
    return verdict.Ineligible("ORGANIZATION_NOT_REGISTERED",
                              "the organisation is not in the registry");
  }
  verdict.Fact("registry.state", org.value->archived ? "ARCHIVED" : "ACTIVE",
               kRegistry, org.read_time);
  verdict.Fact("registry.credit_standing", org.value->credit_standing,
               kRegistry, org.read_time);
  if (org.value->archived) {
    return verdict.Ineligible("ORGANIZATION_ARCHIVED",
                              "the organisation is archived in the registry");
  }
  if (org.value->credit_restricted) {
    return verdict.Ineligible(
        "CREDIT_RESTRICTED",
        absl::StrCat("the organisation's credit standing is ",
                     org.value->credit_standing));
  }

  switch (kind) {
    case v1::SCHEME_KIND_EXCELLENCE_LAUNCH_SUPPORT:
    case v1::SCHEME_KIND_ACCEPTANCE_AWARD: {
      const Reading<EnrolmentFacts>& e = facts.enrolment;
      if (!e.value.has_value()) {
        return verdict.Pending(
            "FACT_UNAVAILABLE",
            Unavailable("the enrolment", kCultivation, e.unavailable_reason));
      }
      verdict.Fact("cultivation.enrolled", e.value->enrolled ? "true" : "false",
                   kCultivation, e.read_time);
      if (!e.value->enrolled) {
        return verdict.Ineligible(
            "NOT_ENROLLED",
            "the organisation has no Excellence Launch enrolment");
      }
      verdict.Fact("cultivation.term",
                   absl::StrCat(DayText(e.value->term_start), "..",
                                DayText(e.value->term_end)),
                   kCultivation, e.read_time);
      verdict.Fact("cultivation.outcome",
                   e.value->outcome.empty() ? "ACTIVE" : e.value->outcome,
                   kCultivation, e.read_time);
      if (kind == v1::SCHEME_KIND_EXCELLENCE_LAUNCH_SUPPORT) {
        if (!e.value->active || today < e.value->term_start ||
            today > e.value->term_end) {
          return verdict.Ineligible("ENROLMENT_NOT_ACTIVE",
                                    "the enrolment is not in its term");
        }
        return verdict.Eligible(
            "ENROLMENT_ACTIVE",
            absl::StrCat("in the Excellence Launch term until ",
                         DayText(e.value->term_end)),
            std::max(today, rule.effective_from), e.value->term_end);
      }
      if (e.value->outcome != "ACCEPTED") {
        return verdict.Ineligible(
            "NOT_ACCEPTED",
            e.value->outcome.empty()
                ? "the enrolment has not passed its end-of-term acceptance"
                : absl::StrCat("the enrolment ended ", e.value->outcome));
      }
      verdict.Fact("cultivation.acceptance_score",
                   absl::StrFormat("%.2f", e.value->acceptance_score),
                   kCultivation, e.read_time);
      verdict.Fact("cultivation.accepted_on", DayText(e.value->accepted_on),
                   kCultivation, e.read_time);
      if (e.value->acceptance_score < rule.min_score) {
        return verdict.Ineligible(
            "SCORE_BELOW_MINIMUM",
            absl::StrFormat("acceptance score %.2f is below %.2f",
                            e.value->acceptance_score, rule.min_score));
      }
      const absl::CivilDay last =
          LastDayOf(e.value->accepted_on, rule.validity_months);
      if (today > last) {
        return verdict.Ineligible(
            "AWARD_PERIOD_ENDED",
            absl::StrCat("the award could be claimed until ", DayText(last)));
      }
      return verdict.Eligible("ACCEPTED_WITH_SCORE",
                              absl::StrFormat("accepted on %s with %.2f",
                                              DayText(e.value->accepted_on),
                                              e.value->acceptance_score),
                              e.value->accepted_on, last);
    }
    case v1::SCHEME_KIND_GROWTH_PLAN_PRIORITY: {
      const Reading<GrowthPlanFacts>& g = facts.growth_plan;
      if (!g.value.has_value()) {
        return verdict.Pending(
            "FACT_UNAVAILABLE",
            Unavailable("the growth plan", kCultivation, g.unavailable_reason));
      }
      verdict.Fact("registry.size_class", org.value->size_class, kRegistry,
                   org.read_time);
      verdict.Fact("cultivation.growth_plan.participant",
                   g.value->participant ? "true" : "false", kCultivation,
                   g.read_time);
      if (!g.value->participant) {
        return verdict.Ineligible("NOT_IN_GROWTH_PLAN",
                                  "the organisation is not in the growth plan");
      }
      verdict.Fact("cultivation.growth_plan.review_passed",
                   g.value->review_passed ? "true" : "false", kCultivation,
                   g.read_time);
      verdict.Fact("cultivation.growth_plan.priority",
                   g.value->priority ? "true" : "false", kCultivation,
                   g.read_time);
      if (!g.value->review_passed) {
        return verdict.Ineligible("REVIEW_NOT_PASSED",
                                  "the compliance review is not passed");
      }
      if (!g.value->priority) {
        return verdict.Ineligible("NO_PRIORITY_FLAG",
                                  "the organisation holds no priority flag");
      }
      const absl::CivilDay last =
          LastDayOf(g.value->reviewed_on, rule.validity_months);
      if (today > last) {
        return verdict.Ineligible(
            "PRIORITY_PERIOD_ENDED",
            absl::StrCat("the priority held until ", DayText(last)));
      }
      return verdict.Eligible(
          "GROWTH_PLAN_PRIORITY",
          absl::StrCat("review passed on ", DayText(g.value->reviewed_on),
                       " with the priority flag"),
          g.value->reviewed_on, last);
    }
    case v1::SCHEME_KIND_DEMONSTRATION_BASE_SUBSIDY: {
      const Reading<DemonstrationBaseFacts>& b = facts.base;
      if (!b.value.has_value()) {
        return verdict.Pending("FACT_UNAVAILABLE",
                               Unavailable("the demonstration base", kDemoBase,
                                           b.unavailable_reason));
      }
      verdict.Fact("demobase.active_base",
                   b.value->active_base ? "true" : "false", kDemoBase,
                   b.read_time);
      if (!b.value->active_base) {
        return verdict.Ineligible(
            "NOT_A_BASE",
            absl::StrCat("the organisation is no active demonstration base in ",
                         today.year()));
      }
      verdict.Fact("demobase.events_held", absl::StrCat(b.value->events_held),
                   kDemoBase, b.read_time);
      verdict.Fact("demobase.behind_minimum",
                   b.value->behind_minimum ? "true" : "false", kDemoBase,
                   b.read_time);
      if (b.value->behind_minimum) {
        return verdict.Ineligible(
            "BEHIND_EVENT_MINIMUM",
            absl::StrCat("only ", b.value->events_held,
                         " events held, behind the year's minimum to date"));
      }
      return verdict.Eligible(
          "ACTIVE_BASE_ON_TRACK",
          absl::StrCat("an active base with ", b.value->events_held,
                       " events held this year"),
          std::max(today, rule.effective_from),
          absl::CivilDay(today.year(), 12, 31));
    }
    case v1::SCHEME_KIND_TRAINING_SUBSIDY: {
      const Reading<TrainingFacts>& t = facts.training;
      if (!t.value.has_value()) {
        return verdict.Pending("FACT_UNAVAILABLE",
                               Unavailable("the certified staff", kTraining,
                                           t.unavailable_reason));
      }
      verdict.Fact("training.certified_staff",
                   absl::StrCat(t.value->certified_staff), kTraining,
                   t.read_time);
      if (t.value->certified_staff < rule.min_count) {
        return verdict.Ineligible(
            "TOO_FEW_CERTIFIED_STAFF",
            absl::StrCat(t.value->certified_staff,
                         " staff hold a valid certificate; ", rule.min_count,
                         " are needed"));
      }
      return verdict.Eligible("CERTIFIED_STAFF",
                              absl::StrCat(t.value->certified_staff,
                                           " staff hold a valid certificate"),
                              today, LastDayOf(today, rule.validity_months));
    }
    default:
      return verdict.Pending("UNKNOWN_SCHEME_KIND",
                             "the scheme's kind has no eligibility test");
  }
}

std::string Fingerprint(const RuleVersion& rule, const Evaluation& evaluation) {
  std::string text = absl::StrCat(RuleName(rule), "|", evaluation.outcome, "|",
                                  evaluation.amount_cap_fen, "|");
  for (const v1::Reason& reason : evaluation.reasons) {
    absl::StrAppend(&text, "|", reason.code(), "=", reason.detail());
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
         digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

v1::Trend TrendOf(const std::vector<double>& totals) {
  if (totals.empty()) return v1::TREND_NONE;
  if (totals.size() == 1) return v1::TREND_SINGLE;
  const double change = totals.back() - totals[totals.size() - 2];
  if (change > 10) return v1::TREND_RISING;
  if (change < -10) return v1::TREND_FALLING;
  return v1::TREND_STEADY;
}

}  // namespace qpp::funding
