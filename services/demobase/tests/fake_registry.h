#pragma once

// A RegistryClient in memory for demobase's tests: organisations and their
// awards are registered by hand, and the registry can be "stopped".

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "services/demobase/src/registry_client.h"

namespace qpp::demobase {

class FakeRegistry final : public RegistryClient {
 public:
  // Registers (or replaces) an organisation.
  void Add(RegisteredOrganization organization);
  // Records an award of a registered organisation.
  void AddAward(const std::string& uscc, AwardFact award);
  // While down, every call answers as the real client does when the
  // registry cannot be reached (UNAVAILABLE, REGISTRY_UNAVAILABLE).
  void SetDown(bool down);
  // How many calls were made.
  int calls() const;

  absl::StatusOr<RegisteredOrganization> GetOrganization(
      const RequestContext& context, absl::string_view uscc) override;
  absl::StatusOr<std::vector<AwardFact>> ListAwards(
      const RequestContext& context, absl::string_view uscc) override;

 private:
  mutable std::mutex mu_;
  std::map<std::string, RegisteredOrganization> organizations_;
  std::map<std::string, std::vector<AwardFact>> awards_;
  bool down_ = false;
  int calls_ = 0;
};

}  // namespace qpp::demobase
