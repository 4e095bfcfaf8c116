#pragma once

// The record of public certificate verifications, written in groups. A
// verification is answered only after its row is committed, but the rows of
// every verification that arrives while one group is being written go
// together into the next group: one transaction (one commit, one log flush)
// for as many verifications as there were callers waiting. Alone, a
// verification costs one round trip as before; under load the cost per
// verification falls with the size of the group ("group commit"). Nothing
// is answered before it is durable, so "every verification is recorded"
// holds for every answer a caller received, also across a crash.
//
// Thread-safe. One writer thread, which borrows one pooled connection per
// group.

#include <cstddef>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/db/db.h"
#include "services/training/src/training_repository.h"

namespace qpp::training {

class VerificationLog final {
 public:
  // Told, exactly once and on the writer thread, whether the verification
  // was recorded: OK, or UNAVAILABLE / INTERNAL as the database answered.
  // Must not block.
  using Done = std::function<void(absl::Status)>;

  // `pool` and `repository` must outlive this object. A group holds at
  // most `max_group` verifications.
  VerificationLog(db::ConnectionPool& pool, CertificateRepository& repository,
                  size_t max_group = 512);
  // Writes what is pending, answers it, then stops the writer.
  ~VerificationLog();
  VerificationLog(const VerificationLog&) = delete;
  VerificationLog& operator=(const VerificationLog&) = delete;

  // Queues `verification` for the next group; `done` follows its commit.
  void Record(VerificationRow verification, Done done);

 private:
  struct Pending {
    VerificationRow row;
    Done done;
  };
  void Run();
  // Writes one group in one transaction.
  absl::Status Write(const std::vector<VerificationRow>& rows);

  db::ConnectionPool& pool_;
  CertificateRepository& repository_;
  const size_t max_group_;
  absl::Mutex mu_;
  std::vector<Pending> pending_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread writer_;
};

}  // namespace qpp::training
