#pragma once

// Storage of funding eligibility (migrations/1001_funding.sql): schemes and
// their rule versions, immutable decisions, the current decision per
// organisation and scheme, the change feed and disbursements. Every method
// runs on the caller's connection, inside the caller's transaction.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/db/db.h"
#include "services/cultivation/funding/src/funding_rules.h"

namespace qpp::funding {

// A decision as stored.
struct DecisionRecord {
  int64_t id = 0;
  std::string uscc;
  std::string scheme;
  int32_t rule_version = 0;
  v1::Outcome outcome = v1::OUTCOME_UNSPECIFIED;
  std::optional<absl::CivilDay> valid_from;
  std::optional<absl::CivilDay> valid_to;
  int64_t amount_cap_fen = 0;
  absl::Time decide_time;
  std::optional<int64_t> supersedes;
  int64_t sequence = 0;  // 0 until assigned in the writing transaction
  std::string fingerprint;
  // Serialized v1::EligibilityDecision holding only reasons and facts.
  std::string body;
  // Whether another decision is current for the pair (reads only).
  bool superseded = false;
};

// The current decision of an organisation and scheme: 0 if none yet.
struct CurrentDecision {
  int64_t decision_id = 0;
  std::string fingerprint;
};

// A disbursement as stored.
struct DisbursementRecord {
  int64_t id = 0;
  int64_t decision_id = 0;
  int64_t amount_fen = 0;
  absl::CivilDay paid_on;
  std::string voucher_reference;
  std::string recorded_by;
  absl::Time create_time;
};

class FundingRepository {
 public:
  virtual ~FundingRepository() = default;

  // ALREADY_EXISTS if the code is taken.
  virtual absl::Status InsertScheme(db::Connection& conn,
                                    const SchemeRecord& scheme) = 0;
  // ALREADY_EXISTS if the version or its effective_from is taken.
  virtual absl::Status InsertRule(db::Connection& conn,
                                  const RuleVersion& rule) = 0;
  // The scheme with its rules oldest first; locked until the transaction
  // ends if `for_update`; nullopt if absent.
  virtual absl::StatusOr<std::optional<SchemeRecord>> GetScheme(
      db::Connection& conn, const std::string& code, bool for_update) = 0;
  // Schemes by code after `after_code`, with their rules.
  virtual absl::StatusOr<std::vector<SchemeRecord>> ListSchemes(
      db::Connection& conn, const std::string& after_code, int limit) = 0;

  // Creates the pair's current row if absent (decision 0) and locks it
  // until the transaction ends: the evaluations and disbursements of one
  // organisation and scheme go one at a time.
  virtual absl::StatusOr<CurrentDecision> LockCurrent(
      db::Connection& conn, const std::string& uscc,
      const std::string& scheme) = 0;
  // The pair's current decision, read in one query without locking;
  // nullopt if none.
  virtual absl::StatusOr<std::optional<DecisionRecord>> GetCurrentDecision(
      db::Connection& conn, const std::string& uscc,
      const std::string& scheme) = 0;
  // Stores a decision; returns its id.
  virtual absl::StatusOr<int64_t> InsertDecision(
      db::Connection& conn, const DecisionRecord& decision) = 0;
  // Makes `decision_id` the pair's current decision (row locked before).
  virtual absl::Status SetCurrent(db::Connection& conn, const std::string& uscc,
                                  const std::string& scheme,
                                  int64_t decision_id,
                                  const std::string& fingerprint) = 0;
  // Gives decision `id` the next feed sequence and returns it. Must be the
  // transaction's last write: the counter stays locked until commit, so
  // sequences follow commit order without gaps.
  virtual absl::StatusOr<int64_t> AssignSequence(db::Connection& conn,
                                                 int64_t id) = 0;
  // One decision, with `superseded`; nullopt if absent.
  virtual absl::StatusOr<std::optional<DecisionRecord>> GetDecision(
      db::Connection& conn, int64_t id) = 0;
  // The current decisions of `scheme` after decision id `after_id`, by id,
  // that hold on `day`: eligible ones valid that day, other outcomes
  // decided by its end; only `outcome` if set.
  virtual absl::StatusOr<std::vector<DecisionRecord>> ListCurrent(
      db::Connection& conn, const std::string& scheme, absl::CivilDay day,
      v1::Outcome outcome, int64_t after_id, int limit) = 0;
  // Decisions with a sequence above `after_sequence`, by sequence.
  virtual absl::StatusOr<std::vector<DecisionRecord>> ListChanges(
      db::Connection& conn, int64_t after_sequence, int limit) = 0;

  // Sum of the disbursements against decisions of the organisation and
  // scheme whose validity overlaps [from, to], as last committed (a
  // locking read, whatever the transaction read before).
  virtual absl::StatusOr<int64_t> SumDisbursed(db::Connection& conn,
                                               const std::string& uscc,
                                               const std::string& scheme,
                                               absl::CivilDay from,
                                               absl::CivilDay to) = 0;
  // Sum of the disbursements against one decision.
  virtual absl::StatusOr<int64_t> SumDisbursedOn(db::Connection& conn,
                                                 int64_t decision_id) = 0;
  // Stores a disbursement; returns its id. ALREADY_EXISTS if the voucher
  // reference is taken.
  virtual absl::StatusOr<int64_t> InsertDisbursement(
      db::Connection& conn, const DisbursementRecord& disbursement) = 0;
  // The disbursements of a decision, oldest first.
  virtual absl::StatusOr<std::vector<DisbursementRecord>> ListDisbursements(
      db::Connection& conn, int64_t decision_id) = 0;

  // Re-evaluation (migrations/1002_reevaluation.sql).
  // The stored cursor of a followed feed; empty if none yet.
  virtual absl::StatusOr<std::string> GetCursor(db::Connection& conn,
                                                const std::string& source) = 0;
  virtual absl::Status SetCursor(db::Connection& conn,
                                 const std::string& source,
                                 const std::string& cursor, absl::Time now) = 0;
  // The codes of the schemes the organisation has a decision for.
  virtual absl::StatusOr<std::vector<std::string>> SchemesDecidedFor(
      db::Connection& conn, const std::string& uscc) = 0;
  // Queues an organisation for evaluation (the outbox), in the caller's
  // transaction.
  virtual absl::Status RequestReevaluation(db::Connection& conn,
                                           const std::string& uscc,
                                           const std::string& reason,
                                           absl::Time now) = 0;
  // The oldest queued requests: (id, uscc).
  virtual absl::StatusOr<std::vector<std::pair<int64_t, std::string>>>
  QueuedReevaluations(db::Connection& conn, int limit) = 0;
  virtual absl::Status DeleteReevaluation(db::Connection& conn, int64_t id) = 0;
  // Current decisions (uscc, scheme) after the key (`after_uscc`,
  // `after_scheme`) in that order, of schemes of `kinds`, or eligible and
  // valid no longer on `today`.
  virtual absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  DecisionsToSweep(db::Connection& conn,
                   const std::vector<v1::SchemeKind>& kinds,
                   absl::CivilDay today, const std::string& after_uscc,
                   const std::string& after_scheme, int limit) = 0;
};

std::unique_ptr<FundingRepository> NewMysqlFundingRepository();

}  // namespace qpp::funding
