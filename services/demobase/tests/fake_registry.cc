#include "services/demobase/tests/fake_registry.h"

#include "absl/strings/str_cat.h"
#include "common/status/status.h"

namespace qpp::demobase {

void FakeRegistry::Add(RegisteredOrganization organization) {
  std::lock_guard<std::mutex> lock(mu_);
  organizations_[organization.uscc] = std::move(organization);
}

void FakeRegistry::AddAward(const std::string& uscc, AwardFact award) {
  std::lock_guard<std::mutex> lock(mu_);
  awards_[uscc].push_back(std::move(award));
}

void FakeRegistry::SetDown(bool down) {
  std::lock_guard<std::mutex> lock(mu_);
  down_ = down;
}

int FakeRegistry::calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}

absl::StatusOr<RegisteredOrganization> FakeRegistry::GetOrganization(
    const RequestContext&, absl::string_view uscc) {
  std::lock_guard<std::mutex> lock(mu_);
  ++calls_;
  if (down_) {
    return status::WithReason(absl::StatusCode::kUnavailable,
                              "REGISTRY_UNAVAILABLE",
                              "the registry is unavailable");
  }
  const auto it = organizations_.find(std::string(uscc));
  if (it == organizations_.end()) {
    return status::NotFound(absl::StrCat("organizations/", uscc));
  }
  return it->second;
}

absl::StatusOr<std::vector<AwardFact>> FakeRegistry::ListAwards(
    const RequestContext&, absl::string_view uscc) {
  std::lock_guard<std::mutex> lock(mu_);
  ++calls_;
  if (down_) {
    return status::WithReason(absl::StatusCode::kUnavailable,
                              "REGISTRY_UNAVAILABLE",
                              "the registry is unavailable");
  }
  const auto it = awards_.find(std::string(uscc));
  if (it == awards_.end()) return std::vector<AwardFact>{};
  return it->second;
}

}  // namespace qpp::demobase
