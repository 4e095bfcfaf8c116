#include "services/gateway/src/refusal_budget.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/status/status.h"
#include "spdlog/spdlog.h"

namespace qpp::gateway {
namespace {

// Entries beyond max_addresses share this one.
constexpr char kOverflowKey[] = "*";

}  // namespace

std::string AddressKey(absl::string_view peer) {
  absl::string_view p = peer;
  std::string unescaped;
  if (absl::StartsWith(p, "ipv4:") || absl::StartsWith(p, "ipv6:")) {
    p.remove_prefix(5);
    // Some gRPC versions percent-encode the brackets of IPv6 peers.
    if (absl::StrContains(p, '%')) {
      unescaped = absl::StrReplaceAll(
          p, {{"%5B", "["}, {"%5D", "]"}, {"%5b", "["}, {"%5d", "]"}});
      p = unescaped;
    }
  }
  std::string host;
  if (!p.empty() && p[0] == '[') {
    const size_t close = p.find(']');
    if (close == absl::string_view::npos) return std::string(peer);
    host = std::string(p.substr(1, close - 1));
  } else if (std::count(p.begin(), p.end(), ':') == 1) {
    host = std::string(p.substr(0, p.find(':')));
  } else {
    host = std::string(p);
  }
  in_addr v4;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return host;
  in6_addr v6;
  if (inet_pton(AF_INET6, host.c_str(), &v6) != 1) return std::string(peer);
  char text[INET6_ADDRSTRLEN] = {};
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    std::memcpy(&v4, &v6.s6_addr[12], 4);
    inet_ntop(AF_INET, &v4, text, sizeof(text));
    return text;
  }
  // One subscriber usually holds a whole /64.
  std::memset(&v6.s6_addr[8], 0, 8);
  inet_ntop(AF_INET6, &v6, text, sizeof(text));
  return absl::StrCat(text, "/64");
}

RefusalBudget::RefusalBudget(RefusalBudgetOptions options, AuditWriter* audit,
                             GatewayMetrics* metrics,
                             std::function<absl::Time()> clock)
    : options_(options),
      audit_(audit),
      metrics_(metrics),
      clock_(std::move(clock)) {}

RefusalBudget::~RefusalBudget() { Stop(); }

void RefusalBudget::RefillLocked(Entry& e, absl::Time now) const {
  const double elapsed = std::max(0.0, absl::ToDoubleSeconds(now - e.refilled));
  e.tokens =
      std::min(options_.burst, e.tokens + elapsed * options_.refill_per_second);
  e.refilled = now;
}

RefusalBudget::Entry* RefusalBudget::FindLocked(const std::string& key,
                                                absl::Time now, bool create) {
  auto it = entries_.find(key);
  if (it != entries_.end()) return &it->second;
  if (!create) return nullptr;
  std::string k = key;
  if (entries_.size() >= options_.max_addresses) {
    auto overflow = entries_.find(kOverflowKey);
    if (overflow != entries_.end()) return &overflow->second;
    k = kOverflowKey;
  }
  Entry& e = entries_[k];
  e.tokens = std::max(0.0, options_.burst);
  e.refilled = now;
  e.window_start = now;
  return &e;
}

void RefusalBudget::CollectLocked(const std::string& key, Entry& e,
                                  std::vector<AuditRecord>* out) const {
  for (const auto& [what, count] : e.aggregated) {
    AuditRecord r;
    r.time = e.window_start;
    r.client_address = key;
    r.protocol = what.first;
    r.method = "*";
    r.code = what.second;
    r.aggregated_calls = count;
    out->push_back(std::move(r));
  }
  e.aggregated.clear();
}

void RefusalBudget::WriteAll(const std::vector<AuditRecord>& records) {
  for (const AuditRecord& r : records) {
    if (absl::Status s = audit_->Write(r); !s.ok()) {
      spdlog::error("audit write failed: {}", std::string(s.message()));
    }
  }
}

absl::Status RefusalBudget::Check(absl::string_view peer) {
  if (options_.burst <= 0) return absl::OkStatus();
  const std::string key = AddressKey(peer);
  const absl::Time now = clock_();
  double wait_seconds = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Entry* e = FindLocked(key, now, /*create=*/false);
    if (e == nullptr) {
      // Untracked: either never refused, or folded into the overflow
      // entry when the table is full.
      if (entries_.size() < options_.max_addresses) return absl::OkStatus();
      e = FindLocked(kOverflowKey, now, /*create=*/false);
      if (e == nullptr) return absl::OkStatus();
    }
    RefillLocked(*e, now);
    if (e->tokens >= 1.0) return absl::OkStatus();
    wait_seconds = options_.refill_per_second > 0
                       ? (1.0 - e->tokens) / options_.refill_per_second
                       : absl::ToDoubleSeconds(options_.window);
  }
  const int64_t delay_ms = std::max<int64_t>(
      1, static_cast<int64_t>(std::ceil(wait_seconds * 1000)));
  return status::WithRetryDelay(
      status::WithReason(
          absl::StatusCode::kResourceExhausted, "TOO_MANY_REFUSED_CALLS",
          absl::StrCat("too many refused calls from this address; retry in ",
                       delay_ms, " ms")),
      delay_ms);
}

bool RefusalBudget::Record(absl::string_view peer, absl::string_view protocol,
                           int code) {
  const std::string key = AddressKey(peer);
  const absl::Time now = clock_();
  std::vector<AuditRecord> ended;
  bool own_line = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Entry& e = *FindLocked(key, now, /*create=*/true);
    RefillLocked(e, now);
    e.tokens = std::max(0.0, e.tokens - 1.0);
    if (now - e.window_start >= options_.window) {
      CollectLocked(key, e, &ended);
      e.window_start = now;
      e.lines = 0;
    }
    if (now - global_window_start_ >= options_.window) {
      global_window_start_ = now;
      global_lines_ = 0;
    }
    if (e.lines < options_.audit_lines_per_address &&
        global_lines_ < options_.audit_lines_total) {
      ++e.lines;
      ++global_lines_;
      own_line = true;
    } else {
      ++e.aggregated[{std::string(protocol), code}];
    }
  }
  if (!own_line && metrics_ != nullptr) {
    metrics_->refused_calls_aggregated.Increment();
  }
  WriteAll(ended);
  return own_line;
}

void RefusalBudget::Flush(absl::Time now) {
  std::vector<AuditRecord> ended;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = entries_.begin(); it != entries_.end();) {
      Entry& e = it->second;
      if (now - e.window_start >= options_.window) {
        CollectLocked(it->first, e, &ended);
        RefillLocked(e, now);
        if (e.tokens >= options_.burst) {
          entries_.erase(it++);
          continue;
        }
      }
      ++it;
    }
  }
  WriteAll(ended);
}

void RefusalBudget::Start() {
  const absl::Duration period = std::clamp(
      options_.window / 4, absl::Milliseconds(50), absl::Seconds(10));
  flusher_ = std::thread([this, period] {
    std::unique_lock<std::mutex> lock(flusher_mu_);
    while (!flusher_cv_.wait_for(lock, absl::ToChronoMilliseconds(period),
                                 [this] { return stopping_; })) {
      lock.unlock();
      Flush(clock_());
      lock.lock();
    }
  });
}

void RefusalBudget::Stop() {
  {
    std::lock_guard<std::mutex> lock(flusher_mu_);
    stopping_ = true;
  }
  flusher_cv_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  std::vector<AuditRecord> pending;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [key, e] : entries_) CollectLocked(key, e, &pending);
  }
  WriteAll(pending);
}

size_t RefusalBudget::tracked_addresses() {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace qpp::gateway
