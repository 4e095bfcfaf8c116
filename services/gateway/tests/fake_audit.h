#pragma once

// An audit writer for unit tests: keeps the records in memory and can be
// made unwritable (a full or failed disk).

#include <vector>

#include "absl/status/status.h"
#include "services/gateway/src/audit_log.h"

namespace qpp::gateway::testing {

class FakeAudit final : public AuditWriter {
 public:
  absl::Status Write(const AuditRecord& r) override {
    records.push_back(r);
    return writable ? absl::OkStatus() : absl::UnavailableError("disk");
  }
  bool Writable() override { return writable; }

  bool writable = true;
  std::vector<AuditRecord> records;
};

}  // namespace qpp::gateway::testing
