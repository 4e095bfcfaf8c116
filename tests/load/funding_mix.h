#pragma once

// Funding's share of the mixed load, as the finance committee's funding
// system calls it (its own API key): CheckEligibility of an acceptance
// award for organisations taken at random from the run's registered
// enterprises (none enrolled in cultivation, so none may be answered
// eligible), and pulls of the decision feed (ListDecisionChanges), one at a
// time, each resuming from the cursor of the last. The client checks every
// answer (a known outcome, never eligible; feed sequences without gaps or
// repeats); the ledger is then checked against
// cultivation's database, which holds funding's tables.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/db/db.h"
#include "grpcpp/channel.h"
#include "tests/load/load_engine.h"

namespace qpp::load {

// The names of the operations.
inline constexpr char kFundingCheck[] = "CheckEligibility(funding)";
inline constexpr char kFundingFeed[] = "ListDecisionChanges(funding)";

struct FundingMixOptions {
  // Registered enterprises checked (1..1000).
  int organizations = 50;
  // Makes this run's organisations and scheme unique (0..1,999 apart).
  int run = 0;
  // Changes per feed pull.
  int page_size = 100;
  double check_weight = 4;
  double feed_weight = 1;
};

// What SetUpFunding made.
struct FundingSetup {
  std::string scheme;                      // fundingSchemes/{code}
  std::vector<std::string> organizations;  // organizations/{uscc}
};

// A CheckEligibility the client sent.
struct EligibilityEntry {
  std::string organization;
  std::string decision;  // when answered: eligibilityDecisions/{id}
  int outcome = 0;       // qpp.funding.v1.Outcome when answered
  bool acknowledged = false;
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
};

// Every check and every feed entry of a run; thread-safe.
class FundingLedger {
 public:
  void AddCheck(EligibilityEntry entry);
  // The changes of one pull, in order, and the cursor to resume from.
  // Records a violation unless they continue the feed without a gap or a
  // repeat.
  void AddChanges(const std::vector<std::pair<int64_t, std::string>>& changes,
                  const std::string& next_token);
  void AddViolation(std::string what);
  // The cursor the next pull starts from ("" at first).
  std::string cursor() const;

  std::vector<EligibilityEntry> checks() const;
  // Feed entries seen: sequence → decision name.
  std::map<int64_t, std::string> feed() const;
  std::vector<std::string> violations() const;
  int64_t acknowledged() const;
  int64_t last_sequence() const;

 private:
  mutable std::mutex mu_;
  std::vector<EligibilityEntry> checks_;
  std::map<int64_t, std::string> feed_;
  std::string cursor_;
  int64_t last_sequence_ = 0;
  std::vector<std::string> violations_;
  int64_t acknowledged_ = 0;
};

// Creates, through `channel` with `metadata` (the programme office's API
// key): the run's enterprises in the registry and the acceptance-award
// scheme "fundingSchemes/load-award-{run}" with its rule. UNAVAILABLE
// naming the step that failed.
absl::StatusOr<FundingSetup> SetUpFunding(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::vector<std::pair<std::string, std::string>>& metadata,
    const FundingMixOptions& options);

// The operations, each with `metadata` (the funding system's API key):
// kFundingCheck of a random organisation of the run and kFundingFeed, one
// pull in flight at a time, from the ledger's cursor.
std::vector<Operation> FundingMix(
    std::shared_ptr<grpc::Channel> channel, const FundingSetup& setup,
    const FundingMixOptions& options,
    std::vector<std::pair<std::string, std::string>> metadata,
    FundingLedger* ledger);

// Checks the ledger against cultivation's database (`conn` on its schema):
// every answered decision stored under its organisation, scheme and
// outcome; no organisation of the run with an eligible current decision;
// the feed's sequences 1..N without gaps or repeats, N the feed's counter;
// every feed entry the client saw stored under its sequence. The problems
// found, empty if none; counts the entries checked in `*checked`.
std::vector<std::string> VerifyFundingLedger(db::Connection& conn,
                                             const FundingSetup& setup,
                                             const FundingLedger& ledger,
                                             int64_t* checked);

}  // namespace qpp::load
