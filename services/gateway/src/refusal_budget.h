#pragma once

// Abuse limits before authentication. A call the gateway refuses on its own
// (no key or a wrong one, a method the caller may not call, a request the
// HTTP parser rejects) costs its sender next to nothing, while each used to
// cost an audit line of ~300 bytes, and a full audit disk stops every
// mutation. So, per client address:
//  - a budget of refused calls, a token bucket (`burst`, refilled at
//    `refill_per_second`). Once it is spent, every call from the address,
//    valid or not, is answered RESOURCE_EXHAUSTED (HTTP 429 with
//    Retry-After) before authentication; those answers spend the budget
//    too, so it refills only once the address stops;
//  - a bound on audit volume: the first `audit_lines_per_address` refused
//    calls of an address in each window get their own audit line (and at
//    most `audit_lines_total` over all addresses); the others are counted
//    and written when the window ends as one aggregate line per address,
//    protocol and code ("aggregated_calls": N, method "*").
// Calls that pass authentication and authorisation are not affected: each
// keeps its own audit line. Addresses are IPv4 addresses or IPv6 /64
// prefixes (AddressKey); memory is bounded by `max_addresses`, past which
// new addresses share one entry.

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/gateway/src/audit_log.h"
#include "services/gateway/src/gateway_metrics.h"

namespace qpp::gateway {

// Limits; the defaults let a client that lost its key retry a while, and
// hold a flood from one address to about 60 audit lines a minute.
struct RefusalBudgetOptions {
  // Refused calls an address may make at once; <= 0 disables the budget
  // (the audit bound still applies).
  double burst = 100;
  // Refused calls an address regains per second.
  double refill_per_second = 1;
  // Refused calls with their own audit line, per address and window.
  int audit_lines_per_address = 60;
  // The same over all addresses together.
  int audit_lines_total = 1000;
  absl::Duration window = absl::Minutes(1);
  // Addresses tracked at most.
  size_t max_addresses = 100000;
};

// The budget and audit bound of every client address. Thread-safe.
class RefusalBudget final {
 public:
  // `audit` receives the aggregate lines; `metrics` may be null. Neither is
  // owned. `clock` is injected for tests.
  RefusalBudget(
      RefusalBudgetOptions options, AuditWriter* audit, GatewayMetrics* metrics,
      std::function<absl::Time()> clock = [] { return absl::Now(); });
  // Stops the flusher and writes every pending aggregate line.
  ~RefusalBudget();

  // Before authentication: OK while `peer`'s address has budget left;
  // otherwise RESOURCE_EXHAUSTED with ErrorInfo reason
  // TOO_MANY_REFUSED_CALLS and RetryInfo saying when it has one again.
  absl::Status Check(absl::string_view peer);

  // Records a call from `peer` that the gateway refused (`code` is its
  // google.rpc.Code): spends one unit of budget. True if the call gets its
  // own audit line; false if it was counted into its address's aggregate
  // line instead.
  bool Record(absl::string_view peer, absl::string_view protocol, int code);

  // Writes the aggregate lines of windows that ended by `now` and forgets
  // addresses whose budget is full again.
  void Flush(absl::Time now);

  // Starts a thread that calls Flush every quarter window (at most every
  // 10 s). Call once.
  void Start();

  // Stops that thread (if started) and writes every pending aggregate line.
  // Idempotent.
  void Stop();

  // Addresses currently tracked.
  size_t tracked_addresses();

 private:
  struct Entry {
    double tokens = 0;
    absl::Time refilled;
    absl::Time window_start;
    int lines = 0;
    // (protocol, code) -> refused calls not audited one by one.
    std::map<std::pair<std::string, int>, int64_t> aggregated;
  };
  Entry* FindLocked(const std::string& key, absl::Time now, bool create);
  void RefillLocked(Entry& e, absl::Time now) const;
  void CollectLocked(const std::string& key, Entry& e,
                     std::vector<AuditRecord>* out) const;
  void WriteAll(const std::vector<AuditRecord>& records);

  const RefusalBudgetOptions options_;
  AuditWriter* audit_;
  GatewayMetrics* metrics_;
  std::function<absl::Time()> clock_;

  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  absl::Time global_window_start_ = absl::InfinitePast();
  int global_lines_ = 0;

  std::mutex flusher_mu_;
  std::condition_variable flusher_cv_;
  bool stopping_ = false;
  std::thread flusher_;
};

// The key that groups a client's calls: the IPv4 address, or the /64 prefix
// of an IPv6 address ("2001:db8:1:2::/64"; IPv4-mapped addresses as IPv4),
// from a peer such as "ipv4:10.1.2.3:5555", "ipv6:[::1]:5555" (gRPC) or
// "10.1.2.3:5555", "[::1]:5555" (HTTP). Anything else is returned as is.
std::string AddressKey(absl::string_view peer);

}  // namespace qpp::gateway
