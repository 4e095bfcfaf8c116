#include "services/gateway/src/audit_disk.h"

#include <errno.h>
#include <sys/statvfs.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace qpp::gateway {

AuditDiskMonitor::AuditDiskMonitor(std::string dir,
                                   prometheus::Gauge* free_bytes,
                                   prometheus::Gauge* size_bytes,
                                   absl::Duration period)
    : dir_(std::move(dir)),
      free_bytes_(free_bytes),
      size_bytes_(size_bytes),
      period_(period) {}

AuditDiskMonitor::~AuditDiskMonitor() { Stop(); }

absl::Status AuditDiskMonitor::Sample() {
  struct statvfs fs;
  if (statvfs(dir_.c_str(), &fs) != 0) {
    return absl::UnavailableError(
        absl::StrCat("statvfs ", dir_, ": ", strerror(errno)));
  }
  // f_bavail: the blocks an unprivileged process (the gateway) may use.
  free_bytes_->Set(static_cast<double>(fs.f_bavail) * fs.f_frsize);
  size_bytes_->Set(static_cast<double>(fs.f_blocks) * fs.f_frsize);
  return absl::OkStatus();
}

void AuditDiskMonitor::Start() {
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    do {
      lock.unlock();
      if (absl::Status s = Sample(); !s.ok()) {
        spdlog::warn("audit disk: {}", std::string(s.message()));
      }
      lock.lock();
    } while (!cv_.wait_for(lock, absl::ToChronoMilliseconds(period_),
                           [this] { return stopping_; }));
  });
}

void AuditDiskMonitor::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace qpp::gateway
