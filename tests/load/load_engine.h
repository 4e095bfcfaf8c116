#pragma once

// A load generator core on the gRPC callback API: logical calls drawn from a
// weighted mix, run closed-loop (a fixed number in flight) or open-loop (a
// fixed start rate, latency measured from the intended start so that a
// stalled server is not hidden), each retried with the SAME request on
// UNAVAILABLE and DEADLINE_EXCEEDED when asked, as a careful client would.
// It knows nothing of qpp's APIs: the operations bring their own calls.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

namespace qpp::load {

// One logical call: the same request, request id included, on every attempt.
class Call {
 public:
  virtual ~Call() = default;
  // Starts one attempt on `context` (deadline and metadata already set);
  // `done` must run exactly once, with the attempt's status. Runs on the
  // engine's thread and must not block.
  virtual void Start(grpc::ClientContext* context,
                     std::function<void(grpc::Status)> done) = 0;
  // The final outcome (after retries), on the engine's thread; must not
  // block. The default does nothing.
  virtual void Finish(const grpc::Status& status) {}
};

// A kind of call in the mix.
struct Operation {
  std::string name;
  // Relative share of the calls started.
  double weight = 1;
  // A new logical call; null to skip this draw (e.g. nothing to read yet).
  std::function<std::unique_ptr<Call>()> make;
  // Metadata of every attempt of this operation (e.g. the API key of
  // another principal); LoadOptions::metadata when empty.
  std::vector<std::pair<std::string, std::string>> metadata;
};

struct LoadOptions {
  // Closed loop: calls kept in flight.
  int concurrency = 16;
  // Open loop when > 0: calls started per second (at most max_in_flight in
  // flight; a start beyond it is counted as "not sent").
  double rate = 0;
  int max_in_flight = 2000;
  // How long new calls are started; calls in flight then finish.
  absl::Duration duration = absl::Seconds(10);
  // Deadline of each attempt.
  absl::Duration deadline = absl::Seconds(2);
  // Retry UNAVAILABLE and DEADLINE_EXCEEDED with the same request, with
  // exponential backoff (20 ms doubling to 1 s, jittered), for at most
  // retry_budget after the first attempt.
  bool retry = true;
  absl::Duration retry_budget = absl::Seconds(30);
  // Metadata of every attempt (e.g. the API key).
  std::vector<std::pair<std::string, std::string>> metadata;
};

// What one operation did.
struct MethodStats {
  int64_t calls = 0;     // logical calls finished
  int64_t attempts = 0;  // attempts made (calls + retries)
  int64_t not_sent = 0;  // open loop: starts skipped at max_in_flight
  std::map<grpc::StatusCode, int64_t> codes;          // final status codes
  std::map<grpc::StatusCode, int64_t> attempt_codes;  // of every attempt
  std::vector<int64_t> latency_us;                    // per finished call
  // The q-quantile (0..1) of latency_us, in milliseconds; 0 when empty.
  double PercentileMs(double q) const;
};

struct LoadReport {
  absl::Duration elapsed;
  std::map<std::string, MethodStats> methods;
  int64_t calls() const;
  int64_t ok() const;
  // Finished calls per second of elapsed time.
  double Qps() const;
  // A table: method, calls, QPS, p50/p99/p99.9 ms, retries, codes.
  std::string Table() const;
};

// Runs `ops` with `options` and returns when every started call finished.
// Thread-safe operations are required: make() and Call methods run on the
// engine's single scheduling thread, gRPC's completions on its own.
LoadReport RunLoad(const std::vector<Operation>& ops,
                   const LoadOptions& options);

// "OK", "UNAVAILABLE", … for a status code.
std::string CodeName(grpc::StatusCode code);

}  // namespace qpp::load
