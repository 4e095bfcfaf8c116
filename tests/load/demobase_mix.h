#pragma once

// Demobase's share of the mixed load: the calendar of a base's open events,
// group registrations with random headcounts (each with a request id) for
// events of limited capacity, and cancellations of acknowledged
// registrations. Every registration and cancellation goes into a ledger
// that is checked against demobase's database afterwards: every
// acknowledged registration stored exactly once with what it was answered,
// no event's confirmed headcount above its capacity or apart from the sum
// of its confirmed registrations, nothing half-written.

#include <cstdint>
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

// The name of the registration operation, whose refusals for want of seats
// (FAILED_PRECONDITION) are answers, not failures.
inline constexpr char kDemobaseRegister[] = "CreateRegistration(demobase)";

struct DemobaseMixOptions {
  // Events of the base, each with `capacity` seats.
  int events = 6;
  int capacity = 40;
  // Headcount of a group registration: 1..max_headcount, at random.
  int max_headcount = 5;
  // Makes this run's organisation unique and picks the base's year
  // (2030 + run % 70), so that runs against one database do not meet; the
  // year must have room for one more base (--max_bases_per_year).
  int run = 0;
  double register_weight = 3;
  double cancel_weight = 1;
  double calendar_weight = 2;
};

// What SetUpDemobase made: the host organisation (also the visiting
// group's), its base and the base's events.
struct DemobaseSetup {
  std::string organization;  // organizations/{uscc}
  std::string base;          // demonstrationBases/{id}
  std::vector<std::string> events;
  int year = 0;
  int capacity = 0;
};

// A registration the client sent.
struct DemobaseRegistrationEntry {
  std::string request_id;
  std::string event;
  int headcount = 0;
  std::string name;  // when acknowledged
  bool acknowledged = false;
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
};

// A cancellation the client sent, of an acknowledged registration.
struct DemobaseCancellationEntry {
  std::string request_id;
  std::string registration;
  bool acknowledged = false;
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
};

// Every registration and cancellation of a run; thread-safe.
class DemobaseLedger {
 public:
  void AddRegistration(DemobaseRegistrationEntry entry);
  void AddCancellation(DemobaseCancellationEntry entry);
  // A broken promise seen by the client.
  void AddViolation(std::string what);
  // Takes an acknowledged registration not taken before, at random, for a
  // cancellation; false when there is none.
  bool TakeForCancellation(std::string* name);

  std::vector<DemobaseRegistrationEntry> registrations() const;
  std::vector<DemobaseCancellationEntry> cancellations() const;
  std::vector<std::string> violations() const;
  // Registrations acknowledged, and cancellations acknowledged.
  int64_t acknowledged() const;
  int64_t cancelled() const;

 private:
  mutable std::mutex mu_;
  std::vector<DemobaseRegistrationEntry> registrations_;
  std::vector<DemobaseCancellationEntry> cancellations_;
  std::vector<std::string> violations_;
  std::vector<std::string> cancellable_;
  uint64_t pick_ = 0;
  int64_t acknowledged_ = 0;
  int64_t cancelled_ = 0;
};

// Creates, through `channel` with `metadata` (the API key): the organisation
// in the registry with a Mayor's Quality Award of 2020, its demonstration
// base for the run's year, and the base's events (in June of that year).
// UNAVAILABLE naming the step that failed.
absl::StatusOr<DemobaseSetup> SetUpDemobase(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::vector<std::pair<std::string, std::string>>& metadata,
    const DemobaseMixOptions& options);

// The operations: kDemobaseRegister (a group of 1..max_headcount for a
// random event), "CancelRegistration(demobase)" (of an acknowledged
// registration, each at most once) and "ListOpenEvents(demobase)" (the
// first page of 50 of the base's calendar of June, which must list the
// events).
std::vector<Operation> DemobaseMix(std::shared_ptr<grpc::Channel> channel,
                                   const DemobaseSetup& setup,
                                   const DemobaseMixOptions& options,
                                   DemobaseLedger* ledger);

// Checks the ledger against demobase's database (`conn` on its schema): per
// event, the confirmed headcount equals the sum of the confirmed
// registrations' headcounts and is within capacity, and every registration
// row is the answer of exactly one request id (no retry wrote a second);
// every acknowledged registration stored once, under the name, event and
// headcount it was answered with, confirmed unless cancelled; a refused one
// (FAILED_PRECONDITION) left nothing; an unacknowledged one absent or
// complete; every acknowledged cancellation stored. The problems found,
// empty if none; counts the entries checked in `*checked`.
std::vector<std::string> VerifyDemobaseLedger(db::Connection& conn,
                                              const DemobaseSetup& setup,
                                              const DemobaseLedger& ledger,
                                              int64_t* checked);

}  // namespace qpp::load
