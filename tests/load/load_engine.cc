#include "tests/load/load_engine.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <queue>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace qpp::load {
namespace {

// The delay a status's google.rpc.RetryInfo asks for, or zero.
absl::Duration RetryDelayOf(const grpc::Status& status) {
  if (status.error_details().empty()) return absl::ZeroDuration();
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) {
    return absl::ZeroDuration();
  }
  for (const auto& any : details.details()) {
    google::rpc::RetryInfo retry;
    if (any.UnpackTo(&retry)) {
      return absl::Seconds(retry.retry_delay().seconds()) +
             absl::Nanoseconds(retry.retry_delay().nanos());
    }
  }
  return absl::ZeroDuration();
}

// A logical call in flight.
struct Flight {
  const Operation* op = nullptr;
  std::unique_ptr<Call> call;
  absl::Time intended;  // when it should have started (open loop) or did
  absl::Time first_attempt;
  int attempts = 0;
  std::unique_ptr<grpc::ClientContext> context;
};

// The engine: one scheduling thread that starts attempts and handles their
// completions, fed by a time-ordered queue; gRPC's threads only post to it.
class Engine {
 public:
  Engine(const std::vector<Operation>& ops, const LoadOptions& options)
      : ops_(ops), options_(options), rng_(std::random_device{}()) {
    for (const Operation& op : ops_) {
      total_weight_ += std::max(0.0, op.weight);
      report_.methods[op.name];
    }
  }

  LoadReport Run() {
    const absl::Time start = absl::Now();
    end_ = start + options_.duration;
    if (options_.rate > 0) {
      Post(start, [this, start] { Pace(start); });
    } else {
      for (int i = 0; i < options_.concurrency; ++i) {
        Post(start, [this] { StartNew(absl::Now()); });
      }
    }
    Loop();
    report_.elapsed = absl::Now() - start;
    return std::move(report_);
  }

 private:
  struct Event {
    absl::Time at;
    uint64_t seq;
    std::function<void()> fn;
    bool operator>(const Event& o) const {
      return at != o.at ? at > o.at : seq > o.seq;
    }
  };

  void Post(absl::Time at, std::function<void()> fn) {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push(Event{at, next_seq_++, std::move(fn)});
    cv_.notify_one();
  }

  // Runs events until the run is over and nothing is in flight.
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      if (queue_.empty()) {
        if (in_flight_ == 0 && absl::Now() >= end_) return;
        if (in_flight_ == 0 && options_.rate <= 0) return;
        cv_.wait_for(lock, std::chrono::milliseconds(50));
        continue;
      }
      const absl::Time now = absl::Now();
      const absl::Time at = queue_.top().at;
      if (at > now) {
        cv_.wait_for(lock, absl::ToChronoNanoseconds(at - now));
        continue;
      }
      std::function<void()> fn = queue_.top().fn;
      queue_.pop();
      lock.unlock();
      fn();
      lock.lock();
    }
  }

  const Operation* Draw() {
    if (total_weight_ <= 0) return nullptr;
    double x = std::uniform_real_distribution<double>(0, total_weight_)(rng_);
    for (const Operation& op : ops_) {
      x -= std::max(0.0, op.weight);
      if (x < 0) return &op;
    }
    return &ops_.back();
  }

  // Open loop: one start per tick, on schedule whatever the answers do.
  void Pace(absl::Time tick) {
    if (tick >= end_) return;
    if (InFlight() >= options_.max_in_flight) {
      const Operation* op = Draw();
      if (op != nullptr) ++report_.methods[op->name].not_sent;
    } else {
      StartNew(tick);
    }
    const absl::Time next = tick + absl::Seconds(1.0 / options_.rate);
    Post(next, [this, next] { Pace(next); });
  }

  int InFlight() {
    std::lock_guard<std::mutex> lock(mu_);
    return in_flight_;
  }

  void StartNew(absl::Time intended) {
    if (absl::Now() >= end_) return;
    // A few draws, in case an operation has nothing to do yet.
    for (int tries = 0; tries < 8; ++tries) {
      const Operation* op = Draw();
      if (op == nullptr) return;
      std::unique_ptr<Call> call = op->make();
      if (call == nullptr) continue;
      auto flight = std::make_shared<Flight>();
      flight->op = op;
      flight->call = std::move(call);
      flight->intended = intended;
      flight->first_attempt = absl::Now();
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++in_flight_;
      }
      Attempt(flight);
      return;
    }
    // Nothing could start: try again shortly (closed loop keeps its slot).
    if (options_.rate <= 0) {
      Post(absl::Now() + absl::Milliseconds(5),
           [this] { StartNew(absl::Now()); });
    }
  }

  void Attempt(const std::shared_ptr<Flight>& flight) {
    ++flight->attempts;
    flight->context = std::make_unique<grpc::ClientContext>();
    flight->context->set_deadline(
        absl::ToChronoTime(absl::Now() + options_.deadline));
    const auto& metadata =
        flight->op->metadata.empty() ? options_.metadata : flight->op->metadata;
    for (const auto& [key, value] : metadata) {
      flight->context->AddMetadata(key, value);
    }
    flight->call->Start(
        flight->context.get(), [this, flight](grpc::Status status) {
          Post(absl::Now(),
               [this, flight, status] { OnAttemptDone(flight, status); });
        });
  }

  void OnAttemptDone(const std::shared_ptr<Flight>& flight,
                     const grpc::Status& status) {
    const absl::Time now = absl::Now();
    ++report_.methods[flight->op->name].attempt_codes[status.error_code()];
    const bool retryable =
        status.error_code() == grpc::StatusCode::UNAVAILABLE ||
        status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
    if (retryable && options_.retry &&
        now - flight->first_attempt < options_.retry_budget) {
      const int shift = std::min(flight->attempts - 1, 6);
      const absl::Duration base =
          std::min(absl::Milliseconds(20) * (1 << shift), absl::Seconds(1));
      // A server's google.rpc.RetryInfo (a draining gateway, a rate
      // limit) is honoured: never retry sooner than it asks.
      const absl::Duration backoff = std::max(
          base * std::uniform_real_distribution<double>(0.5, 1.0)(rng_),
          RetryDelayOf(status));
      Post(now + backoff, [this, flight] { Attempt(flight); });
      return;
    }
    MethodStats& stats = report_.methods[flight->op->name];
    ++stats.calls;
    stats.attempts += flight->attempts;
    ++stats.codes[status.error_code()];
    stats.latency_us.push_back(
        absl::ToInt64Microseconds(now - flight->intended));
    flight->call->Finish(status);
    flight->context.reset();
    {
      std::lock_guard<std::mutex> lock(mu_);
      --in_flight_;
    }
    if (options_.rate <= 0) StartNew(now);
  }

  const std::vector<Operation>& ops_;
  const LoadOptions options_;
  std::mt19937_64 rng_;
  double total_weight_ = 0;
  absl::Time end_;
  LoadReport report_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> queue_;
  uint64_t next_seq_ = 0;
  int in_flight_ = 0;
};

}  // namespace

double MethodStats::PercentileMs(double q) const {
  if (latency_us.empty()) return 0;
  std::vector<int64_t> sorted = latency_us;
  const size_t i =
      std::min(sorted.size() - 1,
               static_cast<size_t>(q * static_cast<double>(sorted.size())));
  std::nth_element(sorted.begin(), sorted.begin() + i, sorted.end());
  return static_cast<double>(sorted[i]) / 1000.0;
}

int64_t LoadReport::calls() const {
  int64_t n = 0;
  for (const auto& [name, m] : methods) n += m.calls;
  return n;
}

int64_t LoadReport::ok() const {
  int64_t n = 0;
  for (const auto& [name, m] : methods) {
    auto it = m.codes.find(grpc::StatusCode::OK);
    if (it != m.codes.end()) n += it->second;
  }
  return n;
}

double LoadReport::Qps() const {
  const double s = absl::ToDoubleSeconds(elapsed);
  return s > 0 ? static_cast<double>(calls()) / s : 0;
}

std::string LoadReport::Table() const {
  const double s = std::max(1e-9, absl::ToDoubleSeconds(elapsed));
  std::string out = absl::StrFormat("%-30s %9s %9s %8s %8s %8s %8s  %s\n",
                                    "method", "calls", "qps", "p50 ms",
                                    "p99 ms", "p99.9 ms", "retries", "codes");
  for (const auto& [name, m] : methods) {
    std::string codes;
    for (const auto& [code, n] : m.codes) {
      absl::StrAppend(&codes, codes.empty() ? "" : " ", CodeName(code), "=", n);
    }
    if (m.not_sent > 0) absl::StrAppend(&codes, " not_sent=", m.not_sent);
    absl::StrAppendFormat(&out, "%-30s %9d %9.0f %8.2f %8.2f %8.2f %8d  %s\n",
                          name, m.calls, static_cast<double>(m.calls) / s,
                          m.PercentileMs(0.5), m.PercentileMs(0.99),
                          m.PercentileMs(0.999), m.attempts - m.calls, codes);
  }
  absl::StrAppendFormat(&out, "%-30s %9d %9.0f  (%.1f s)\n", "total", calls(),
                        Qps(), s);
  return out;
}

LoadReport RunLoad(const std::vector<Operation>& ops,
                   const LoadOptions& options) {
  Engine engine(ops, options);
  return engine.Run();
}

std::string CodeName(grpc::StatusCode code) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  const int i = static_cast<int>(code);
  if (i >= 0 && i < static_cast<int>(std::size(kNames))) return kNames[i];
  return absl::StrCat("CODE_", i);
}

}  // namespace qpp::load
