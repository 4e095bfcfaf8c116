#pragma once

// The registry's share of the mixed load, as an integrator calls it through
// the gateway: reads of organisations created earlier in the run, searches,
// creates with a request id, and replays of acknowledged creates (the same
// request id must return the same organisation). Every acknowledged create
// goes into a ledger that is checked against the database afterwards.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/db/db.h"
#include "grpcpp/channel.h"
#include "tests/load/load_engine.h"

namespace qpp::load {

// A create the client sent: acknowledged (OK) or not (any other final code).
struct LedgerEntry {
  std::string request_id;
  std::string uscc;
  std::string name;  // the answer's resource name when acknowledged
  bool acknowledged = false;
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
};

// Every create of a run, and what went wrong on the client's side.
class Ledger {
 public:
  void Add(LedgerEntry entry);
  // A random acknowledged entry; false when there is none yet.
  bool PickAcknowledged(LedgerEntry* out);
  // A broken promise seen by the client (e.g. a replay answered
  // differently, an acknowledged organisation not found).
  void AddViolation(std::string what);

  std::vector<LedgerEntry> entries() const;
  std::vector<std::string> violations() const;
  int64_t acknowledged() const;

 private:
  mutable std::mutex mu_;
  std::vector<LedgerEntry> entries_;
  std::vector<size_t> acknowledged_;
  std::vector<std::string> violations_;
  uint64_t pick_ = 0;
};

struct RegistryMixOptions {
  // USCC serials of this run's creates start here (8 digits in all), so
  // that runs against one database do not collide.
  int serial_base = 10000000;
  // Weights of the operations (0 leaves one out).
  double create_weight = 2;
  double get_weight = 5;
  double list_weight = 2;
  double replay_weight = 1;
  // District of the organisations created (the caller must may write it).
  std::string district_code = "440305";
};

// The operations of the registry mix on `channel` (the gateway's, or the
// registry's own), recording into `ledger`.
std::vector<Operation> RegistryMix(std::shared_ptr<grpc::Channel> channel,
                                   const RegistryMixOptions& options,
                                   Ledger* ledger);

// Checks the ledger against the registry's database (connected with
// `conn`): every acknowledged create is stored exactly once under the name
// it was answered with and its idempotency record names the same request;
// every create that was not acknowledged is either absent or complete (the
// organisation and its idempotency record, never one without the other).
// Returns the problems found, empty when none; counts in `*checked`.
std::vector<std::string> VerifyRegistryLedger(db::Connection& conn,
                                              const Ledger& ledger,
                                              int64_t* checked);

// A valid USCC (GB 32100-2015 check character) with an 8-digit serial.
std::string UsccForSerial(int serial);

}  // namespace qpp::load
