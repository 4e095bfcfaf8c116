#pragma once

// The registry's use cases, one class per resource, wired to the pieces
// they share (contact encryption, reference data, organisation loading).
// This is what a binary, a test or a benchmark constructs; the gRPC surface
// (registry_service.h) calls the use cases through it.
//
// Where a resource's code lives: its use cases (<resource>.h), its rules
// (<resource>_rules.h, pure) and its storage (mysql_<resource>_repository.cc
// behind an interface of registry_repository.h):
//   organisations      organizations.h, organization_import.h (batch, import),
//                      organization_changes.h (change feed)
//   award records      awards.h
//   self-assessments   assessments.h (and score sheets)
//   benchmarks         benchmarks.h
//   partnerships       partnerships.h
//   target counts      target_counts.h
//   contacts           contact_privacy.h (reveal, keys), contact_rules.h
//   reference data     reference_cache.h, reference_data.h

#include <memory>

#include "absl/time/time.h"
#include "common/crypto/cipher.h"
#include "common/dates/dates.h"
#include "common/db/db.h"
#include "services/registry/src/assessments.h"
#include "services/registry/src/awards.h"
#include "services/registry/src/benchmarks.h"
#include "services/registry/src/contact_cipher.h"
#include "services/registry/src/contact_privacy.h"
#include "services/registry/src/contact_repository.h"
#include "services/registry/src/organization_changes.h"
#include "services/registry/src/organization_import.h"
#include "services/registry/src/organization_store.h"
#include "services/registry/src/organizations.h"
#include "services/registry/src/partnerships.h"
#include "services/registry/src/reference_cache.h"
#include "services/registry/src/registry_repository.h"
#include "services/registry/src/target_counts.h"
#include "services/registry/src/use_case_context.h"

namespace qpp::registry {

struct RegistryOptions {
  // How the plan's target counts are taken: improvement window, benchmark
  // industry level, and the margin (points of 1000) used when the
  // improvement_margins table has none in force.
  TargetCountSettings target_counts;
  // How long reference data (districts, rules, sheets) is cached.
  absl::Duration reference_ttl = absl::Seconds(60);
};

// The registry's repositories, one per resource.
struct RegistryRepositories {
  std::unique_ptr<ReferenceRepository> reference;
  std::unique_ptr<OrganizationRepository> organizations;
  std::unique_ptr<AwardRepository> awards;
  std::unique_ptr<AssessmentRepository> assessments;
  std::unique_ptr<BenchmarkRepository> benchmarks;
  std::unique_ptr<PartnershipRepository> partnerships;
  std::unique_ptr<TargetCountRepository> target_counts;
  std::unique_ptr<OrganizationChangeRepository> organization_changes;
  std::unique_ptr<ContactRepository> contacts;
};

// Every repository in its MySQL/MariaDB implementation.
RegistryRepositories NewMysqlRegistryRepositories();

class Registry final {
 public:
  // `pool` is not owned and must outlive the registry; every repository
  // must be set. `clock` gives the time of every use case (tests fix it).
  Registry(db::ConnectionPool& pool, RegistryRepositories repositories,
           crypto::DataCipher cipher, RegistryOptions options,
           dates::Clock clock);
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The use cases of each resource; they live as long as the registry.
  Organizations& organizations() { return organizations_; }
  OrganizationImport& organization_import() { return organization_import_; }
  OrganizationChanges& organization_changes() { return organization_changes_; }
  Awards& awards() { return awards_; }
  Assessments& assessments() { return assessments_; }
  Benchmarks& benchmarks() { return benchmarks_; }
  Partnerships& partnerships() { return partnerships_; }
  TargetCounts& target_counts() { return target_counts_; }
  ContactPrivacy& contact_privacy() { return contact_privacy_; }

 private:
  // Declared in construction order: the shared pieces first.
  std::unique_ptr<OrganizationRepository> organization_repository_;
  std::unique_ptr<OrganizationChangeRepository> change_repository_;
  ContactCipher contacts_;
  ReferenceCache reference_;
  OrganizationStore organization_store_;
  UseCaseContext context_;
  Organizations organizations_;
  OrganizationImport organization_import_;
  OrganizationChanges organization_changes_;
  Awards awards_;
  Assessments assessments_;
  Benchmarks benchmarks_;
  Partnerships partnerships_;
  TargetCounts target_counts_;
  ContactPrivacy contact_privacy_;
};

}  // namespace qpp::registry
