#pragma once

// Cultivation's share of the mixed load: applications of organisations
// taken at random from the run's registered enterprises to an open cohort
// (each organisation once), experts assigned to submitted applications
// (each pair once) and their reviews scored (each once), all with request
// ids. Every call goes into a ledger that is checked against cultivation's
// database afterwards: every acknowledged application stored exactly once,
// no (cohort, organisation) applied for twice, every acknowledged review
// stored once, every application's review count that of its scored
// reviews, nothing half-written.

#include <cstdint>
#include <deque>
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
inline constexpr char kCultivationApply[] = "CreateApplication(cultivation)";
inline constexpr char kCultivationAssign[] = "CreateReview(cultivation)";
inline constexpr char kCultivationScore[] = "SubmitReview(cultivation)";

struct CultivationMixOptions {
  // Registered enterprises that may apply, each at most once (at most
  // 10,000).
  int organizations = 300;
  // Experts of the run (at most 64); each application gets
  // reviews_per_application of them (neighbours in a ring, so that concurrent
  // calls meet on rows).
  int experts = 6;
  int reviews_per_application = 3;
  // The cohort applied to, created if missing (open from yesterday for a
  // year, reviews_per_application reviews needed); runs with the same
  // run % 500 must apply to different cohorts.
  int cohort_year = 2100;
  // Makes this run's organisations and experts unique (0..499).
  int run = 0;
  double apply_weight = 3;
  double assign_weight = 2;
  double score_weight = 2;
};

// What SetUpCultivation made.
struct CultivationSetup {
  std::string cohort;                      // cohorts/{year}
  std::vector<std::string> organizations;  // organizations/{uscc}
  std::vector<std::string> experts;        // experts/{id}
  int reviews_per_application = 0;
};

// An application the client sent.
struct ApplicationEntry {
  std::string request_id;
  std::string organization;
  std::string name;  // when acknowledged
  bool acknowledged = false;
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
};

// An assignment or a scoring the client sent.
struct ReviewEntry {
  std::string request_id;
  std::string application;
  std::string expert;
  std::string name;     // when acknowledged (the review)
  bool scored = false;  // a SubmitReview, not a CreateReview
  bool acknowledged = false;
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
};

// Every call of a run, and the work it leaves for later calls; thread-safe.
class CultivationLedger {
 public:
  void AddApplication(ApplicationEntry entry);
  void AddReview(ReviewEntry entry);
  // A broken promise seen by the client.
  void AddViolation(std::string what);
  // The next (application, expert index) to assign: an acknowledged
  // application with fewer than `per_application` assignments sent, at
  // random; false when there is none.
  bool NextAssignment(int per_application, std::string* application, int* slot);
  // An acknowledged, not yet scored review, oldest first; false if none.
  bool NextScoring(std::string* review);

  std::vector<ApplicationEntry> applications() const;
  std::vector<ReviewEntry> reviews() const;
  std::vector<std::string> violations() const;
  // Applications acknowledged; reviews assigned and scored acknowledged.
  int64_t acknowledged() const;
  int64_t reviews_acknowledged() const;

 private:
  mutable std::mutex mu_;
  std::vector<ApplicationEntry> applications_;
  std::vector<ReviewEntry> reviews_;
  std::vector<std::string> violations_;
  // Acknowledged applications and the assignments sent for each.
  std::vector<std::pair<std::string, int>> assignable_;
  std::deque<std::string> scorable_;
  uint64_t pick_ = 0;
  int64_t acknowledged_ = 0;
  int64_t reviews_acknowledged_ = 0;
};

// Creates, through `channel` with `metadata` (the programme office's API
// key): the run's enterprises and the experts' employer in the registry,
// the experts, and the cohort if it does not exist (an existing one must
// take applications today). UNAVAILABLE naming the step that failed.
absl::StatusOr<CultivationSetup> SetUpCultivation(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::vector<std::pair<std::string, std::string>>& metadata,
    const CultivationMixOptions& options);

// The operations: kCultivationApply (the next organisation of a shuffled
// list), kCultivationAssign (the next expert of an acknowledged application)
// and kCultivationScore (an acknowledged assignment, scored once).
std::vector<Operation> CultivationMix(std::shared_ptr<grpc::Channel> channel,
                                      const CultivationSetup& setup,
                                      const CultivationMixOptions& options,
                                      CultivationLedger* ledger);

// Checks the ledger against cultivation's database (`conn` on its schema):
// per organisation of the run, at most one application to the cohort and
// each application the answer of exactly one request id; every
// acknowledged application stored once under its name and organisation;
// every acknowledged assignment stored once, every acknowledged scoring
// stored as submitted; per application, the review count equal to its
// submitted reviews; an unacknowledged call absent or complete. The
// problems found, empty if none; counts the entries checked in `*checked`.
std::vector<std::string> VerifyCultivationLedger(
    db::Connection& conn, const CultivationSetup& setup,
    const CultivationLedger& ledger, int64_t* checked);

}  // namespace qpp::load
