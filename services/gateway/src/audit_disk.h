#pragma once

// Watches the file system of the audit directory. A full audit disk stops
// every mutation (the audit log fails closed), so its free space is
// exported as qpp_gateway_audit_disk_free_bytes and _size_bytes for an
// alert to fire well before (deploy/prometheus/alerts.yml).

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "prometheus/gauge.h"

namespace qpp::gateway {

// Samples statvfs(2) of a directory into two gauges. Thread-safe.
class AuditDiskMonitor final {
 public:
  // The gauges are not owned and must outlive the monitor.
  AuditDiskMonitor(std::string dir, prometheus::Gauge* free_bytes,
                   prometheus::Gauge* size_bytes,
                   absl::Duration period = absl::Seconds(15));
  ~AuditDiskMonitor();

  // Sets the gauges once. UNAVAILABLE if the file system cannot be
  // queried (the gauges keep their last values).
  absl::Status Sample();

  // Samples now, then every period on a thread of its own. Call once.
  void Start();

  // Stops that thread. Idempotent.
  void Stop();

 private:
  const std::string dir_;
  prometheus::Gauge* free_bytes_;
  prometheus::Gauge* size_bytes_;
  const absl::Duration period_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace qpp::gateway
