#include "services/training/src/verification_log.h"

#include <utility>

namespace qpp::training {

VerificationLog::VerificationLog(db::ConnectionPool& pool,
                                 CertificateRepository& repository,
                                 size_t max_group)
    : pool_(pool),
      repository_(repository),
      max_group_(max_group == 0 ? 1 : max_group),
      writer_([this] { Run(); }) {}

VerificationLog::~VerificationLog() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  writer_.join();
}

void VerificationLog::Record(VerificationRow verification, Done done) {
  absl::MutexLock lock(&mu_);
  pending_.push_back(Pending{std::move(verification), std::move(done)});
}

void VerificationLog::Run() {
  std::vector<Pending> group;
  std::vector<VerificationRow> rows;
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](VerificationLog* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
            return self->stopping_ || !self->pending_.empty();
          },
          this));
      if (pending_.empty()) return;  // stopping, and nothing left
      if (pending_.size() <= max_group_) {
        group.swap(pending_);
      } else {
        auto split = pending_.begin() + static_cast<ptrdiff_t>(max_group_);
        group.assign(std::make_move_iterator(pending_.begin()),
                     std::make_move_iterator(split));
        pending_.erase(pending_.begin(), split);
      }
    }
    rows.clear();
    for (const Pending& p : group) rows.push_back(p.row);
    const absl::Status written = Write(rows);
    for (Pending& p : group) p.done(written);
    group.clear();
  }
}

absl::Status VerificationLog::Write(const std::vector<VerificationRow>& rows) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  if (absl::Status begun = (*conn)->Begin(); !begun.ok()) return begun;
  absl::Status written = repository_.RecordVerifications(**conn, rows);
  if (written.ok()) written = (*conn)->Commit();
  if (!written.ok()) (*conn)->Rollback();
  return written;
}

}  // namespace qpp::training
