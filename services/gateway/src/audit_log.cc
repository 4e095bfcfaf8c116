#include "services/gateway/src/audit_log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/metrics/metrics.h"
#include "nlohmann/json.hpp"

namespace qpp::gateway {
namespace {

// The longest prefix of `s` of at most `max_bytes` that does not end inside
// a UTF-8 character: when the byte after the cut continues a character
// (10xxxxxx), the cut moves back to that character's lead byte, at most
// three bytes. Bytes that are not UTF-8 at all are left for the JSON writer
// to replace.
absl::string_view CutOnCharacter(absl::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  auto continuation = [&](size_t i) {
    return (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80;
  };
  auto lead = [&](size_t i) {
    return (static_cast<unsigned char>(s[i]) & 0xC0) == 0xC0;
  };
  size_t cut = max_bytes;
  while (cut > 0 && max_bytes - cut < 3 && continuation(cut)) --cut;
  return s.substr(0, cut < max_bytes && lead(cut) ? cut : max_bytes);
}

std::string Field(absl::string_view s) {
  return std::string(CutOnCharacter(s, kMaxAuditStringBytes));
}

std::string DayOf(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone());
}

}  // namespace

std::string FormatAuditLine(const AuditRecord& r) {
  // Insertion order is kept, so that every line reads in the same order.
  nlohmann::ordered_json line;
  line["time"] =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", r.time, absl::UTCTimeZone());
  line["request_id"] = Field(r.request_id);
  line["principal"] = Field(r.principal);
  line["client_address"] = Field(r.client_address);
  line["protocol"] = Field(r.protocol);
  line["method"] = Field(r.method);
  nlohmann::ordered_json resources = nlohmann::ordered_json::array();
  for (size_t i = 0; i < r.resources.size() && i < kMaxAuditResources; ++i) {
    resources.push_back(Field(r.resources[i]));
  }
  const int64_t listed = static_cast<int64_t>(resources.size());
  line["resources"] = std::move(resources);
  if (r.resource_count > listed) line["resource_count"] = r.resource_count;
  line["code"] = metrics::CodeName(r.code);
  if (r.http_status != 0) line["http_status"] = r.http_status;
  if (r.aggregated_calls > 0) line["aggregated_calls"] = r.aggregated_calls;
  // Microsecond precision; the writer prints the shortest exact form.
  line["latency_ms"] =
      std::round(absl::ToDoubleMilliseconds(r.latency) * 1000) / 1000;
  // Invalid UTF-8 from a client becomes U+FFFD: a line is always valid JSON.
  std::string out = line.dump(-1, ' ', /*ensure_ascii=*/false,
                              nlohmann::ordered_json::error_handler_t::replace);
  out.push_back('\n');
  return out;
}

FileAuditLog::FileAuditLog(std::string dir, int retention_days,
                           prometheus::Counter* failures,
                           std::function<absl::Time()> clock)
    : dir_(std::move(dir)),
      retention_days_(retention_days),
      failures_(failures),
      clock_(std::move(clock)) {}

FileAuditLog::~FileAuditLog() {
  if (fd_ >= 0) close(fd_);
}

absl::Status FileAuditLog::Open() {
  if (mkdir(dir_.c_str(), 0750) != 0 && errno != EEXIST) {
    return absl::UnavailableError(
        absl::StrCat("audit: cannot create ", dir_, ": ", strerror(errno)));
  }
  std::lock_guard<std::mutex> lock(mu_);
  const absl::Time now = clock_();
  absl::Status s = OpenLocked(now);
  if (!s.ok()) return s;
  Prune(now);
  return absl::OkStatus();
}

absl::Status FileAuditLog::OpenLocked(absl::Time now) {
  const std::string day = DayOf(now);
  if (fd_ >= 0 && day == day_) return absl::OkStatus();
  const std::string path = absl::StrCat(dir_, "/audit-", day, ".jsonl");
  const int fd =
      open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    healthy_ = false;
    return absl::UnavailableError(
        absl::StrCat("audit: cannot open ", path, ": ", strerror(errno)));
  }
  const bool rotated = fd_ >= 0;
  if (fd_ >= 0) close(fd_);
  fd_ = fd;
  day_ = day;
  healthy_ = true;
  if (rotated) Prune(now);
  return absl::OkStatus();
}

absl::Status FileAuditLog::Write(const AuditRecord& record) {
  const std::string line = FormatAuditLine(record);
  std::lock_guard<std::mutex> lock(mu_);
  absl::Status s = OpenLocked(clock_());
  if (s.ok()) {
    // One write(2) of the whole line on an O_APPEND descriptor: lines never
    // interleave, and a short write is a failure.
    const ssize_t n = ::write(fd_, line.data(), line.size());
    if (n != static_cast<ssize_t>(line.size())) {
      s = absl::UnavailableError(absl::StrCat(
          "audit: write failed: ", n < 0 ? strerror(errno) : "short write"));
      // Reopen on the next attempt (e.g. the file was removed).
      close(fd_);
      fd_ = -1;
    }
  }
  healthy_ = s.ok();
  if (!s.ok() && failures_ != nullptr) failures_->Increment();
  return s;
}

bool FileAuditLog::Writable() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!healthy_ || fd_ < 0) {
    // Try to recover, so that mutations resume once the disk is back.
    return OpenLocked(clock_()).ok();
  }
  return true;
}

int FileAuditLog::Prune(absl::Time now) {
  if (retention_days_ <= 0) return 0;
  const absl::CivilDay today = absl::ToCivilDay(now, absl::UTCTimeZone());
  const absl::CivilDay oldest = today - retention_days_;
  DIR* d = opendir(dir_.c_str());
  if (d == nullptr) return 0;
  int deleted = 0;
  while (struct dirent* e = readdir(d)) {
    absl::string_view name = e->d_name;
    if (!absl::StartsWith(name, "audit-") || !absl::EndsWith(name, ".jsonl")) {
      continue;
    }
    absl::string_view date = name.substr(6, name.size() - 6 - 6);
    absl::CivilDay day;
    if (!absl::ParseCivilTime(date, &day)) continue;
    if (day < oldest) {
      if (unlink(absl::StrCat(dir_, "/", name).c_str()) == 0) ++deleted;
    }
  }
  closedir(d);
  return deleted;
}

}  // namespace qpp::gateway
