#include "services/training/src/certificate_cache.h"

namespace qpp::training {

CertificateCache::CertificateCache(absl::Duration ttl, size_t max_entries)
    : ttl_(ttl), max_entries_(max_entries) {}

std::optional<CertificateRecord> CertificateCache::Get(
    const std::string& number, absl::Time now) {
  if (ttl_ <= absl::ZeroDuration()) return std::nullopt;
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(number);
  if (it == entries_.end()) return std::nullopt;
  if (now - it->second.read >= ttl_ || now < it->second.read) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.record;
}

void CertificateCache::Put(const CertificateRecord& record, absl::Time now) {
  if (ttl_ <= absl::ZeroDuration()) return;
  absl::MutexLock lock(&mu_);
  // Every entry expires within ttl anyway: starting afresh bounds memory.
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_[record.number] = Entry{record, now};
}

void CertificateCache::Erase(const std::string& number) {
  if (ttl_ <= absl::ZeroDuration()) return;
  absl::MutexLock lock(&mu_);
  entries_.erase(number);
}

}  // namespace qpp::training
