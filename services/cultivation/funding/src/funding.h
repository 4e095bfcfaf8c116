#pragma once

// Use cases of funding eligibility, for the finance committee's funding
// system (proto/qpp/funding/v1/funding_service.proto): schemes and rule
// versions, eligibility decisions stored immutably, the bulk listing and
// the change feed, and disbursements against decisions with the amount cap
// enforced. Rules: funding_rules.h; storage: funding_repository.h.
//
// Statuses: INVALID_ARGUMENT with field violations for bad input (nothing
// written); NOT_FOUND; ALREADY_EXISTS (SCHEME_EXISTS, VOUCHER_EXISTS);
// FAILED_PRECONDITION (RULE_NOT_AFTER_LATEST, NO_RULE_IN_FORCE,
// DECISION_NOT_ELIGIBLE, DECISION_SUPERSEDED, OUTSIDE_VALIDITY,
// CAP_EXCEEDED); ABORTED for conflicts; UNAVAILABLE when the database is
// unreachable.

#include <memory>

#include "absl/status/status.h"
#include "common/context/request_context.h"
#include "common/dates/dates.h"
#include "common/db/db.h"
#include "qpp/funding/v1/funding_service.pb.h"
#include "services/cultivation/funding/src/fact_source.h"
#include "services/cultivation/funding/src/funding_repository.h"

namespace qpp::funding {

class Funding final {
 public:
  // `pool` and `facts` must outlive this object; `clock` gives the time of
  // every use case.
  Funding(db::ConnectionPool& pool,
          std::unique_ptr<FundingRepository> repository, FactSource& facts,
          dates::Clock clock);

  // A scheme with its first rule version; idempotent by request_id.
  absl::Status CreateFundingScheme(const v1::CreateFundingSchemeRequest& req,
                                   v1::FundingScheme* resp);
  absl::Status GetFundingScheme(const v1::GetFundingSchemeRequest& req,
                                v1::FundingScheme* resp);
  absl::Status ListFundingSchemes(const v1::ListFundingSchemesRequest& req,
                                  v1::ListFundingSchemesResponse* resp);
  // A new rule version, effective after the latest one and not in the past.
  absl::Status CreateFundingRule(const v1::CreateFundingRuleRequest& req,
                                 v1::FundingRule* resp);

  // Evaluates today on facts read now and stores a new decision when it
  // differs from the current one (see the proto).
  absl::Status CheckEligibility(const RequestContext& call,
                                const v1::CheckEligibilityRequest& req,
                                v1::EligibilityDecision* resp);
  absl::Status GetEligibilityDecision(
      const v1::GetEligibilityDecisionRequest& req,
      v1::EligibilityDecision* resp);
  // The listings (see the proto): INVALID_ARGUMENT for a bad field or page
  // token, NOT_FOUND for an unknown scheme. Their entries are written in
  // wire form from the stored bytes, unparsed (decision_wire.h): in
  // process, `resp` shows them once serialized and parsed again.
  absl::Status ListEligibilityDecisions(
      const v1::ListEligibilityDecisionsRequest& req,
      v1::ListEligibilityDecisionsResponse* resp);
  absl::Status ListDecisionChanges(const v1::ListDecisionChangesRequest& req,
                                   v1::ListDecisionChangesResponse* resp);

  // Records a payment, recorded_by `call`'s principal; idempotent by
  // request_id.
  absl::Status CreateDisbursement(const RequestContext& call,
                                  const v1::CreateDisbursementRequest& req,
                                  v1::Disbursement* resp);
  absl::Status ListDisbursements(const v1::ListDisbursementsRequest& req,
                                 v1::ListDisbursementsResponse* resp);

  // The organisation's quality record composed across the services.
  absl::Status GetQualityRecord(const RequestContext& call,
                                const v1::GetQualityRecordRequest& req,
                                v1::QualityRecord* resp);

 private:
  db::ConnectionPool& pool_;
  std::unique_ptr<FundingRepository> repository_;
  FactSource& facts_;
  dates::Clock clock_;
};

}  // namespace qpp::funding
