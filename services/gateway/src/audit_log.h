#pragma once

// The audit log: one JSON line per call, appended to a file per UTC day
// (audit-YYYY-MM-DD.jsonl), files older than the retention deleted. A line
// holds who called what on which resources, when, how it ended and how long
// it took; never request or response bodies.

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "prometheus/counter.h"

namespace qpp::gateway {

// Bounds of a line: resource names listed, and bytes of any one string.
inline constexpr size_t kMaxAuditResources = 8;
inline constexpr size_t kMaxAuditStringBytes = 256;

// What the audit log records about one call.
struct AuditRecord {
  absl::Time time;             // when the call arrived
  std::string request_id;      // x-request-id as propagated
  std::string principal;       // authenticated principal, "" if none
  std::string client_address;  // e.g. "ipv4:10.1.2.3:5555"
  std::string protocol;        // "grpc" or "http"
  std::string method;          // "/pkg.Service/Method", or the HTTP path
                               // when no method matched
  // Resource names the call touched, the call's own first (see
  // resource_names.h); only the first kMaxAuditResources are written.
  std::vector<std::string> resources;
  // How many names the call named in all, e.g. the rows of a batch; written
  // as "resource_count" when more than the names written.
  int64_t resource_count = 0;
  int code = 0;         // google.rpc.Code
  int http_status = 0;  // HTTP status, 0 for gRPC
  absl::Duration latency;
  // > 0: an aggregate line standing for this many refused calls from
  // client_address since `time` (refusal_budget.h), written as
  // "aggregated_calls"; 0: one call.
  int64_t aggregated_calls = 0;
};

// The JSON line (with trailing '\n') for a record:
//   {"time","request_id","principal","client_address","protocol","method",
//    "resources":[…],["resource_count",]"code",["http_status",]"latency_ms"}
// Always one valid JSON object in UTF-8: strings are cut to
// kMaxAuditStringBytes on a character boundary, invalid UTF-8 sent by a
// client is replaced by U+FFFD, control characters are escaped; at most
// kMaxAuditResources resources are listed.
std::string FormatAuditLine(const AuditRecord& record);

// Where audit records go. Implementations are thread-safe.
class AuditWriter {
 public:
  virtual ~AuditWriter() = default;
  // Appends a record. UNAVAILABLE if it could not be written durably to
  // the log (the caller counts it; the record is lost).
  virtual absl::Status Write(const AuditRecord& record) = 0;
  // Whether the log is currently writable: false after a failed write
  // until a write succeeds again. Mutations are refused while false.
  virtual bool Writable() = 0;
};

// Daily files in a directory, opened with O_APPEND.
class FileAuditLog final : public AuditWriter {
 public:
  // `failures` counts failed writes (may be null). `clock` is injected for
  // tests.
  FileAuditLog(
      std::string dir, int retention_days, prometheus::Counter* failures,
      std::function<absl::Time()> clock = [] { return absl::Now(); });
  ~FileAuditLog() override;

  // Creates the directory if needed, opens today's file and deletes files
  // older than the retention. UNAVAILABLE if the directory or file cannot
  // be opened.
  absl::Status Open();

  absl::Status Write(const AuditRecord& record) override;
  bool Writable() override;

  // Deletes audit-YYYY-MM-DD.jsonl files dated more than retention_days
  // before `now`'s UTC day. Returns how many were deleted.
  int Prune(absl::Time now);

 private:
  absl::Status OpenLocked(absl::Time now);

  const std::string dir_;
  const int retention_days_;
  prometheus::Counter* failures_;
  std::function<absl::Time()> clock_;
  std::mutex mu_;
  int fd_ = -1;
  std::string day_;  // YYYY-MM-DD of the open file
  bool healthy_ = false;
};

}  // namespace qpp::gateway
