#pragma once

// Training's share of the mixed load: registrations for sessions of limited
// capacity (each trainee at most once per session), with request ids, and
// reads of the sessions. Every acknowledged registration goes into a ledger
// that is checked against training's database afterwards: never more
// confirmed registrations than seats, no registration twice, none lost.

#include <atomic>
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

struct TrainingMixOptions {
  int sessions = 8;
  int capacity = 12;
  int trainees = 40;
  // Makes this run's employer USCC and trainees' resident IDs unique.
  int run = 0;
  double register_weight = 3;
  double get_session_weight = 2;
};

// What SetUpTraining made: an employer, a course, its sessions and trainees.
struct TrainingSetup {
  std::string employer;
  std::vector<std::string> sessions;
  std::vector<std::string> trainees;
  int capacity = 0;
};

// A registration the client sent.
struct RegistrationEntry {
  std::string request_id;
  std::string session;
  std::string trainee;
  std::string name;  // when acknowledged
  int state = 0;     // qpp.training.v1.Registration.State when acknowledged
  bool acknowledged = false;
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
};

class TrainingLedger {
 public:
  void Add(RegistrationEntry entry);
  void AddViolation(std::string what);
  std::vector<RegistrationEntry> entries() const;
  std::vector<std::string> violations() const;
  int64_t acknowledged() const;

 private:
  mutable std::mutex mu_;
  std::vector<RegistrationEntry> entries_;
  std::vector<std::string> violations_;
  int64_t acknowledged_ = 0;
};

// Creates the employer (in the registry), a course, the sessions and the
// trainees through `channel` with `metadata` (the API key).
absl::StatusOr<TrainingSetup> SetUpTraining(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::vector<std::pair<std::string, std::string>>& metadata,
    const TrainingMixOptions& options);

// The operations: a registration for the next (session, trainee) pair of
// a shuffled list, and session reads.
std::vector<Operation> TrainingMix(std::shared_ptr<grpc::Channel> channel,
                                   const TrainingSetup& setup,
                                   const TrainingMixOptions& options,
                                   TrainingLedger* ledger);

// Checks the ledger against training's database: every acknowledged
// registration stored once with the state it was answered with (the mix
// cancels nothing); per session, confirmed registrations within capacity;
// per session and trainee, at most one registration; an unacknowledged one
// absent or complete with its idempotency record. Problems, empty if none.
std::vector<std::string> VerifyTrainingLedger(db::Connection& conn,
                                              const TrainingSetup& setup,
                                              const TrainingLedger& ledger,
                                              int64_t* checked);

}  // namespace qpp::load
