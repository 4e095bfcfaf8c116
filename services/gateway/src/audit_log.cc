#include "services/gateway/src/audit_log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/metrics/metrics.h"

namespace qpp::gateway {
namespace {

void AppendJsonString(absl::string_view s, std::string* out) {
  if (s.size() > 256) s = s.substr(0, 256);
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          absl::StrAppendFormat(out, "\\u%04x", c);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

std::string DayOf(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone());
}

}  // namespace

std::string FormatAuditLine(const AuditRecord& r) {
  std::string out;
  out.reserve(256);
  out.append("{\"time\":");
  AppendJsonString(
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", r.time, absl::UTCTimeZone()),
      &out);
  out.append(",\"request_id\":");
  AppendJsonString(r.request_id, &out);
  out.append(",\"principal\":");
  AppendJsonString(r.principal, &out);
  out.append(",\"client_address\":");
  AppendJsonString(r.client_address, &out);
  out.append(",\"protocol\":");
  AppendJsonString(r.protocol, &out);
  out.append(",\"method\":");
  AppendJsonString(r.method, &out);
  out.append(",\"resources\":[");
  for (size_t i = 0; i < r.resources.size() && i < 8; ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(r.resources[i], &out);
  }
  out.append("],\"code\":");
  AppendJsonString(metrics::CodeName(r.code), &out);
  if (r.http_status != 0)
    absl::StrAppend(&out, ",\"http_status\":", r.http_status);
  if (r.aggregated_calls > 0) {
    absl::StrAppend(&out, ",\"aggregated_calls\":", r.aggregated_calls);
  }
  absl::StrAppendFormat(&out, ",\"latency_ms\":%.3f}\n",
                        absl::ToDoubleMilliseconds(r.latency));
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
