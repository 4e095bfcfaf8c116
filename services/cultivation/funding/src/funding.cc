#include "services/cultivation/funding/src/funding.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/db/idempotency.h"
#include "common/paging/list_page.h"
#include "common/resource/names.h"
#include "common/status/status.h"
#include "common/validation/text.h"
#include "services/cultivation/funding/src/decision_wire.h"

namespace qpp::funding {
namespace {

constexpr char kSchemes[] = "fundingSchemes";
constexpr char kDecisions[] = "eligibilityDecisions";

absl::StatusOr<std::string> ParseSchemeName(absl::string_view name,
                                            absl::string_view field) {
  QPP_ASSIGN_OR_RETURN(std::string code,
                       resource::ParseName(name, kSchemes, field));
  if (!IsSchemeCode(code)) {
    return status::InvalidField(
        std::string(field),
        "must be fundingSchemes/{code}, the code 3..40 of [a-z0-9-]");
  }
  return code;
}

absl::StatusOr<int64_t> ParseDecisionName(absl::string_view name,
                                          absl::string_view field) {
  QPP_ASSIGN_OR_RETURN(std::string id,
                       resource::ParseName(name, kDecisions, field));
  int64_t value = 0;
  if (!absl::SimpleAtoi(id, &value) || value <= 0 ||
      absl::StrCat(value) != id) {
    return status::InvalidField(std::string(field),
                                "must be eligibilityDecisions/{positive id}");
  }
  return value;
}

v1::FundingRule ToRule(const RuleVersion& rule) {
  v1::FundingRule out;
  out.set_name(RuleName(rule));
  out.set_version(rule.version);
  *out.mutable_effective_from() = dates::ToDate(rule.effective_from);
  out.set_amount_cap_fen(rule.amount_cap_fen);
  out.set_validity_months(rule.validity_months);
  out.set_min_score(rule.min_score);
  out.set_min_count(rule.min_count);
  out.set_basis(rule.basis);
  *out.mutable_create_time() = dates::ToTimestamp(rule.create_time);
  return out;
}

v1::FundingScheme ToScheme(const SchemeRecord& scheme) {
  v1::FundingScheme out;
  out.set_name(SchemeName(scheme.code));
  out.set_title(scheme.title);
  out.set_kind(scheme.kind);
  for (auto it = scheme.rules.rbegin(); it != scheme.rules.rend(); ++it) {
    *out.add_rules() = ToRule(*it);
  }
  *out.mutable_create_time() = dates::ToTimestamp(scheme.create_time);
  return out;
}

// The rule fields of `in` checked for a scheme of `kind`; effective_from
// must be set. Violations under `prefix`.
RuleVersion RuleFrom(const v1::FundingRule& in, v1::SchemeKind kind,
                     absl::string_view prefix, status::FieldErrors& errors) {
  RuleVersion rule;
  const std::optional<absl::CivilDay> from =
      dates::ToCivilDay(in.effective_from());
  if (!from.has_value()) {
    errors.Add(absl::StrCat(prefix, ".effective_from"), "must be a valid date");
  } else {
    rule.effective_from = *from;
  }
  rule.amount_cap_fen = in.amount_cap_fen();
  rule.validity_months = in.validity_months();
  rule.min_score = in.min_score();
  rule.min_count = in.min_count();
  rule.basis = in.basis();
  validation::CheckText(absl::StrCat(prefix, ".basis"), rule.basis, 1, 200,
                        errors);
  ValidateRule(kind, rule, prefix, errors);
  return rule;
}

v1::Disbursement ToDisbursement(const DisbursementRecord& b) {
  v1::Disbursement out;
  out.set_name(
      absl::StrCat(DecisionName(b.decision_id), "/disbursements/", b.id));
  out.set_amount_fen(b.amount_fen);
  *out.mutable_paid_on() = dates::ToDate(b.paid_on);
  out.set_voucher_reference(b.voucher_reference);
  out.set_recorded_by(b.recorded_by);
  *out.mutable_create_time() = dates::ToTimestamp(b.create_time);
  return out;
}

bool IsVoucherReference(absl::string_view v) {
  return !v.empty() && v.size() <= 64 &&
         std::all_of(v.begin(), v.end(),
                     [](char c) { return c > ' ' && c < 0x7f; });
}

// The feed's cursor: the last sequence delivered, in an opaque token.
constexpr uint64_t kFeedFingerprint = 0x66756e64696e67ULL;  // "funding"

}  // namespace

Funding::Funding(db::ConnectionPool& pool,
                 std::unique_ptr<FundingRepository> repository,
                 FactSource& facts, dates::Clock clock)
    : pool_(pool),
      repository_(std::move(repository)),
      facts_(facts),
      clock_(std::move(clock)) {}

absl::Status Funding::CreateFundingScheme(
    const v1::CreateFundingSchemeRequest& req, v1::FundingScheme* resp) {
  status::FieldErrors errors;
  SchemeRecord scheme;
  if (auto code =
          ParseSchemeName(req.funding_scheme().name(), "funding_scheme.name");
      code.ok()) {
    scheme.code = *code;
  } else {
    errors.Add("funding_scheme.name",
               "must be fundingSchemes/{code}, the code 3..40 of [a-z0-9-]");
  }
  scheme.title = req.funding_scheme().title();
  validation::CheckText("funding_scheme.title", scheme.title, 1, 200, errors);
  scheme.kind = req.funding_scheme().kind();
  if (scheme.kind == v1::SCHEME_KIND_UNSPECIFIED ||
      !v1::SchemeKind_IsValid(scheme.kind)) {
    errors.Add("funding_scheme.kind", "must be a known scheme kind");
  }
  RuleVersion rule = RuleFrom(req.rule(), scheme.kind, "rule", errors);
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  const absl::Time now = clock_();
  scheme.create_time = now;
  rule.scheme = scheme.code;
  rule.version = 1;
  rule.create_time = now;
  return db::RunIdempotent(
      pool_, req.request_id(), req, resp, [&](db::Connection& conn) {
        QPP_RETURN_IF_ERROR(status::OnAlreadyExists(
            repository_->InsertScheme(conn, scheme), "SCHEME_EXISTS",
            absl::StrCat(SchemeName(scheme.code), " exists")));
        QPP_RETURN_IF_ERROR(repository_->InsertRule(conn, rule));
        SchemeRecord stored = scheme;
        stored.rules = {rule};
        *resp = ToScheme(stored);
        return absl::OkStatus();
      });
}

absl::Status Funding::GetFundingScheme(const v1::GetFundingSchemeRequest& req,
                                       v1::FundingScheme* resp) {
  QPP_ASSIGN_OR_RETURN(std::string code, ParseSchemeName(req.name(), "name"));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
  QPP_ASSIGN_OR_RETURN(auto scheme, repository_->GetScheme(*conn, code, false));
  if (!scheme.has_value()) return status::NotFound(req.name());
  *resp = ToScheme(*scheme);
  return absl::OkStatus();
}

absl::Status Funding::ListFundingSchemes(
    const v1::ListFundingSchemesRequest& req,
    v1::ListFundingSchemesResponse* resp) {
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
  QPP_ASSIGN_OR_RETURN(auto page,
                       paging::ListPage(
                           req,
                           [&](const std::string& after, int limit) {
                             return repository_->ListSchemes(
                                 *conn, after, std::min(limit, 201));
                           },
                           [](const SchemeRecord& s) { return s.code; }));
  for (const SchemeRecord& s : page.rows)
    *resp->add_funding_schemes() = ToScheme(s);
  resp->set_next_page_token(page.next_page_token);
  return absl::OkStatus();
}

absl::Status Funding::CreateFundingRule(const v1::CreateFundingRuleRequest& req,
                                        v1::FundingRule* resp) {
  QPP_ASSIGN_OR_RETURN(std::string code,
                       ParseSchemeName(req.parent(), "parent"));
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  const absl::Time now = clock_();
  const absl::CivilDay today = dates::Today(now);
  return db::RunIdempotent(
      pool_, req.request_id(), req, resp, [&](db::Connection& conn) {
        // The scheme's row lock orders concurrent new versions.
        QPP_ASSIGN_OR_RETURN(auto scheme,
                             repository_->GetScheme(conn, code, true));
        if (!scheme.has_value()) return status::NotFound(req.parent());
        status::FieldErrors errors;
        RuleVersion rule = RuleFrom(req.rule(), scheme->kind, "rule", errors);
        if (errors.empty() && rule.effective_from < today) {
          errors.Add("rule.effective_from",
                     "must not be in the past: decisions made under the "
                     "version in force stay as they are");
        }
        QPP_RETURN_IF_ERROR(errors.ToStatus());
        const RuleVersion& latest = scheme->rules.back();
        if (rule.effective_from <= latest.effective_from) {
          return status::WithReason(
              absl::StatusCode::kFailedPrecondition, "RULE_NOT_AFTER_LATEST",
              absl::StrCat("a new version must take effect after ",
                           absl::FormatCivilTime(latest.effective_from),
                           ", when version ", latest.version, " did"));
        }
        rule.scheme = code;
        rule.version = latest.version + 1;
        rule.create_time = now;
        QPP_RETURN_IF_ERROR(repository_->InsertRule(conn, rule));
        *resp = ToRule(rule);
        return absl::OkStatus();
      });
}

absl::Status Funding::CheckEligibility(const RequestContext& call,
                                       const v1::CheckEligibilityRequest& req,
                                       v1::EligibilityDecision* resp) {
  status::FieldErrors errors;
  std::string code;
  if (auto parsed = ParseSchemeName(req.scheme(), "scheme"); parsed.ok()) {
    code = *parsed;
  } else {
    errors.Add("scheme", "must be fundingSchemes/{code}");
  }
  std::string uscc;
  if (auto parsed =
          resource::ParseOrganizationName(req.organization(), "organization");
      parsed.ok()) {
    uscc = *parsed;
  } else {
    errors.Add("organization",
               "must be organizations/{uscc} with a valid USCC (GB 32100)");
  }
  QPP_RETURN_IF_ERROR(errors.ToStatus());

  const absl::Time now = clock_();
  const absl::CivilDay today = dates::Today(now);
  std::optional<SchemeRecord> scheme;
  {
    QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
    QPP_ASSIGN_OR_RETURN(scheme, repository_->GetScheme(*conn, code, false));
  }
  if (!scheme.has_value()) return status::NotFound(req.scheme());
  const std::optional<RuleVersion> rule = RuleInForce(scheme->rules, today);
  if (!rule.has_value()) {
    return status::WithReason(
        absl::StatusCode::kFailedPrecondition, "NO_RULE_IN_FORCE",
        absl::StrCat("no rule version of ", req.scheme(), " is in force on ",
                     absl::FormatCivilTime(today)));
  }

  // Facts are read before the transaction: no row is locked while other
  // services are asked.
  const Facts facts = facts_.Read(call, uscc, NeedsOf(scheme->kind), today);
  const Evaluation evaluation = Evaluate(scheme->kind, *rule, facts, today);
  const std::string fingerprint = Fingerprint(*rule, evaluation);

  v1::EligibilityDecision body;
  for (const v1::Reason& r : evaluation.reasons) *body.add_reasons() = r;
  for (const v1::Fact& f : evaluation.facts) *body.add_facts() = f;
  DecisionRecord decision;
  decision.uscc = uscc;
  decision.scheme = code;
  decision.rule_version = rule->version;
  decision.outcome = evaluation.outcome;
  decision.valid_from = evaluation.valid_from;
  decision.valid_to = evaluation.valid_to;
  decision.amount_cap_fen = evaluation.amount_cap_fen;
  decision.decide_time = now;
  decision.fingerprint = fingerprint;
  decision.body = body.SerializeAsString();

  // Most checks find the result unchanged: one plain read answers them,
  // without a lock or a commit.
  {
    QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
    QPP_ASSIGN_OR_RETURN(auto current,
                         repository_->GetCurrentDecision(*conn, uscc, code));
    if (current.has_value() && current->fingerprint == fingerprint &&
        (!current->valid_to.has_value() || *current->valid_to >= today)) {
      QPP_ASSIGN_OR_RETURN(*resp, ToDecision(*current));
      return absl::OkStatus();
    }
  }
  DecisionRecord stored;
  QPP_RETURN_IF_ERROR(db::WithTransaction(pool_, [&](db::Connection& conn) {
    QPP_ASSIGN_OR_RETURN(CurrentDecision current,
                         repository_->LockCurrent(conn, uscc, code));
    if (current.decision_id != 0 && current.fingerprint == fingerprint) {
      QPP_ASSIGN_OR_RETURN(auto existing,
                           repository_->GetDecision(conn, current.decision_id));
      // The same result: the current decision stands while it is valid.
      if (existing.has_value() &&
          (!existing->valid_to.has_value() || *existing->valid_to >= today)) {
        stored = *std::move(existing);
        return absl::OkStatus();
      }
    }
    DecisionRecord fresh = decision;
    if (current.decision_id != 0) fresh.supersedes = current.decision_id;
    QPP_ASSIGN_OR_RETURN(fresh.id, repository_->InsertDecision(conn, fresh));
    QPP_RETURN_IF_ERROR(
        repository_->SetCurrent(conn, uscc, code, fresh.id, fingerprint));
    QPP_ASSIGN_OR_RETURN(fresh.sequence,
                         repository_->AssignSequence(conn, fresh.id));
    stored = std::move(fresh);
    return absl::OkStatus();
  }));
  QPP_ASSIGN_OR_RETURN(*resp, ToDecision(stored));
  return absl::OkStatus();
}

absl::Status Funding::GetEligibilityDecision(
    const v1::GetEligibilityDecisionRequest& req,
    v1::EligibilityDecision* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseDecisionName(req.name(), "name"));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
  QPP_ASSIGN_OR_RETURN(auto decision, repository_->GetDecision(*conn, id));
  if (!decision.has_value()) return status::NotFound(req.name());
  QPP_ASSIGN_OR_RETURN(*resp, ToDecision(*decision));
  QPP_ASSIGN_OR_RETURN(int64_t disbursed,
                       repository_->SumDisbursedOn(*conn, id));
  resp->set_disbursed_fen(disbursed);
  return absl::OkStatus();
}

absl::Status Funding::ListEligibilityDecisions(
    const v1::ListEligibilityDecisionsRequest& req,
    v1::ListEligibilityDecisionsResponse* resp) {
  status::FieldErrors errors;
  std::string code;
  if (auto parsed = ParseSchemeName(req.scheme(), "scheme"); parsed.ok()) {
    code = *parsed;
  } else {
    errors.Add("scheme", "must be fundingSchemes/{code}");
  }
  absl::CivilDay day = dates::Today(clock_());
  if (dates::IsSet(req.as_of())) {
    const auto parsed = dates::ToCivilDay(req.as_of());
    if (!parsed.has_value()) {
      errors.Add("as_of", "must be a valid date");
    } else {
      day = *parsed;
    }
  }
  if (!v1::Outcome_IsValid(req.outcome())) {
    errors.Add("outcome", "must be a known outcome or unset");
  }
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
  QPP_ASSIGN_OR_RETURN(auto scheme, repository_->GetScheme(*conn, code, false));
  if (!scheme.has_value()) return status::NotFound(req.scheme());
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<DecisionRecord>> {
            QPP_ASSIGN_OR_RETURN(int64_t after_id, paging::AfterId(after));
            return repository_->ListCurrent(*conn, code, day, req.outcome(),
                                            after_id, limit);
          },
          [](const DecisionRecord& d) { return absl::StrCat(d.id); }));
  // In wire form, from the stored bytes (decision_wire.h).
  for (const DecisionRecord& d : page.rows) AddDecision(d, resp);
  resp->set_next_page_token(page.next_page_token);
  return absl::OkStatus();
}

absl::Status Funding::ListDecisionChanges(
    const v1::ListDecisionChangesRequest& req,
    v1::ListDecisionChangesResponse* resp) {
  QPP_ASSIGN_OR_RETURN(const int page_size,
                       paging::EffectivePageSize(req.page_size()));
  QPP_ASSIGN_OR_RETURN(
      std::string after,
      paging::DecodePageToken(req.page_token(), kFeedFingerprint));
  QPP_ASSIGN_OR_RETURN(int64_t after_sequence, paging::AfterId(after));
  const absl::Time read_time = clock_();
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
  QPP_ASSIGN_OR_RETURN(
      auto rows, repository_->ListChanges(*conn, after_sequence, page_size));
  // In wire form, from the stored bytes (decision_wire.h).
  for (const DecisionRecord& d : rows) {
    AddChange(d, resp);
    after_sequence = d.sequence;
  }
  resp->set_next_page_token(
      paging::EncodePageToken(absl::StrCat(after_sequence), kFeedFingerprint));
  *resp->mutable_read_time() = dates::ToTimestamp(read_time);
  return absl::OkStatus();
}

absl::Status Funding::CreateDisbursement(
    const RequestContext& call, const v1::CreateDisbursementRequest& req,
    v1::Disbursement* resp) {
  status::FieldErrors errors;
  int64_t decision_id = 0;
  if (auto parsed = ParseDecisionName(req.parent(), "parent"); parsed.ok()) {
    decision_id = *parsed;
  } else {
    errors.Add("parent", "must be eligibilityDecisions/{positive id}");
  }
  const v1::Disbursement& in = req.disbursement();
  if (in.amount_fen() <= 0 || in.amount_fen() > 100'000'000'000) {
    errors.Add("disbursement.amount_fen", "must be 1..100000000000 fen");
  }
  const std::optional<absl::CivilDay> paid_on = dates::ToCivilDay(in.paid_on());
  if (!paid_on.has_value()) {
    errors.Add("disbursement.paid_on", "must be a valid date");
  }
  if (!IsVoucherReference(in.voucher_reference())) {
    errors.Add("disbursement.voucher_reference",
               "must be 1..64 printable ASCII characters without spaces");
  }
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  const absl::Time now = clock_();
  if (*paid_on > dates::Today(now)) {
    return status::InvalidField("disbursement.paid_on",
                                "must not be in the future");
  }
  return db::RunIdempotent(
      pool_, req.request_id(), req, resp, [&](db::Connection& conn) {
        QPP_ASSIGN_OR_RETURN(auto decision,
                             repository_->GetDecision(conn, decision_id));
        if (!decision.has_value()) return status::NotFound(req.parent());
        // The pair's lock serialises payments, so the cap holds under
        // concurrent calls; read `superseded` again under it.
        QPP_ASSIGN_OR_RETURN(
            CurrentDecision current,
            repository_->LockCurrent(conn, decision->uscc, decision->scheme));
        if (decision->outcome != v1::OUTCOME_ELIGIBLE) {
          return status::WithReason(
              absl::StatusCode::kFailedPrecondition, "DECISION_NOT_ELIGIBLE",
              absl::StrCat(req.parent(), " is not an eligible decision"));
        }
        if (current.decision_id != decision_id) {
          return status::WithReason(
              absl::StatusCode::kFailedPrecondition, "DECISION_SUPERSEDED",
              absl::StrCat(req.parent(),
                           " was replaced by a later decision; check "
                           "eligibility again"));
        }
        if (*paid_on < *decision->valid_from ||
            *paid_on > *decision->valid_to) {
          return status::WithReason(
              absl::StatusCode::kFailedPrecondition, "OUTSIDE_VALIDITY",
              absl::StrCat(req.parent(), " holds from ",
                           absl::FormatCivilTime(*decision->valid_from), " to ",
                           absl::FormatCivilTime(*decision->valid_to)));
        }
        QPP_ASSIGN_OR_RETURN(const int64_t disbursed,
                             repository_->SumDisbursed(
                                 conn, decision->uscc, decision->scheme,
                                 *decision->valid_from, *decision->valid_to));
        if (disbursed + in.amount_fen() > decision->amount_cap_fen) {
          return status::WithReason(
              absl::StatusCode::kFailedPrecondition, "CAP_EXCEEDED",
              absl::StrCat(disbursed, " of ", decision->amount_cap_fen,
                           " fen are paid; ", in.amount_fen(),
                           " more would pass the cap"));
        }
        DisbursementRecord b;
        b.decision_id = decision_id;
        b.amount_fen = in.amount_fen();
        b.paid_on = *paid_on;
        b.voucher_reference = in.voucher_reference();
        b.recorded_by = call.principal().name.empty() ? std::string("internal")
                                                      : call.principal().name;
        b.create_time = now;
        QPP_ASSIGN_OR_RETURN(b.id, [&]() -> absl::StatusOr<int64_t> {
          auto id = repository_->InsertDisbursement(conn, b);
          if (!id.ok()) {
            return status::OnAlreadyExists(
                id.status(), "VOUCHER_EXISTS",
                absl::StrCat("voucher ", b.voucher_reference,
                             " is recorded already"));
          }
          return id;
        }());
        *resp = ToDisbursement(b);
        return absl::OkStatus();
      });
}

absl::Status Funding::ListDisbursements(const v1::ListDisbursementsRequest& req,
                                        v1::ListDisbursementsResponse* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseDecisionName(req.parent(), "parent"));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
  QPP_ASSIGN_OR_RETURN(auto decision, repository_->GetDecision(*conn, id));
  if (!decision.has_value()) return status::NotFound(req.parent());
  QPP_ASSIGN_OR_RETURN(auto rows, repository_->ListDisbursements(*conn, id));
  int64_t total = 0;
  for (const DisbursementRecord& b : rows) {
    *resp->add_disbursements() = ToDisbursement(b);
    total += b.amount_fen;
  }
  resp->set_total_fen(total);
  return absl::OkStatus();
}

absl::Status Funding::GetQualityRecord(const RequestContext& call,
                                       const v1::GetQualityRecordRequest& req,
                                       v1::QualityRecord* resp) {
  QPP_ASSIGN_OR_RETURN(
      std::string uscc,
      resource::ParseOrganizationName(req.organization(), "organization"));
  const absl::CivilDay today = dates::Today(clock_());
  QPP_RETURN_IF_ERROR(facts_.ReadRegistryRecord(call, uscc, resp));
  // The registry's part came with the record above: not read twice.
  FactNeeds all;
  all.organization = false;
  all.enrolment = all.growth_plan = all.base = all.training = true;
  const Facts facts = facts_.Read(call, uscc, all, today);

  auto part = [](const auto& reading, v1::PartStatus* out) {
    out->set_available(reading.value.has_value());
    out->set_source(reading.source);
    *out->mutable_read_time() = dates::ToTimestamp(reading.read_time);
    out->set_unavailable_reason(reading.unavailable_reason);
  };
  // Cultivation: the enrolment and the growth plan together.
  part(facts.enrolment, resp->mutable_cultivation());
  if (!facts.growth_plan.value.has_value()) {
    part(facts.growth_plan, resp->mutable_cultivation());
  }
  if (const auto& e = facts.enrolment.value; e.has_value()) {
    resp->set_enrolment_outcome(!e->enrolled         ? "NONE"
                                : e->outcome.empty() ? "ACTIVE"
                                                     : e->outcome);
    if (e->enrolled) {
      *resp->mutable_term_start() = dates::ToDate(e->term_start);
      *resp->mutable_term_end() = dates::ToDate(e->term_end);
    }
    resp->set_acceptance_score(e->outcome == "ACCEPTED" ? e->acceptance_score
                                                        : 0);
  }
  if (const auto& g = facts.growth_plan.value; g.has_value()) {
    resp->set_growth_plan_participant(g->participant);
    resp->set_growth_plan_review_passed(g->review_passed);
    resp->set_growth_plan_priority(g->priority);
  }
  part(facts.training, resp->mutable_training());
  if (facts.training.value.has_value()) {
    resp->set_certified_staff(facts.training.value->certified_staff);
  }
  part(facts.base, resp->mutable_demobase());
  if (const auto& b = facts.base.value; b.has_value()) {
    resp->set_demonstration_base(b->active_base);
    resp->set_events_held(b->events_held);
    resp->set_behind_event_minimum(b->behind_minimum);
  }
  return absl::OkStatus();
}

}  // namespace qpp::funding
