#include "services/registry/src/registry.h"

namespace qpp::registry {

RegistryRepositories NewMysqlRegistryRepositories() {
  RegistryRepositories repositories;
  repositories.reference = NewMysqlReferenceRepository();
  repositories.organizations = NewMysqlOrganizationRepository();
  repositories.awards = NewMysqlAwardRepository();
  repositories.assessments = NewMysqlAssessmentRepository();
  repositories.benchmarks = NewMysqlBenchmarkRepository();
  repositories.partnerships = NewMysqlPartnershipRepository();
  repositories.target_counts = NewMysqlTargetCountRepository();
  repositories.organization_changes = NewMysqlOrganizationChangeRepository();
  repositories.contacts = NewMysqlContactRepository();
  return repositories;
}

Registry::Registry(db::ConnectionPool& pool, RegistryRepositories repositories,
                   crypto::DataCipher cipher, RegistryOptions options,
                   dates::Clock clock)
    : organization_repository_(std::move(repositories.organizations)),
      change_repository_(std::move(repositories.organization_changes)),
      contacts_(std::move(cipher)),
      reference_(pool, std::move(repositories.reference), options.reference_ttl,
                 clock),
      organization_store_(*organization_repository_, contacts_,
                          *change_repository_),
      context_{
          pool,       *organization_repository_, organization_store_, contacts_,
          reference_, std::move(clock)},
      organizations_(context_),
      organization_import_(context_),
      organization_changes_(context_, *change_repository_),
      awards_(context_, std::move(repositories.awards)),
      assessments_(context_, std::move(repositories.assessments)),
      benchmarks_(context_, std::move(repositories.benchmarks)),
      partnerships_(context_, std::move(repositories.partnerships)),
      target_counts_(context_, std::move(repositories.target_counts),
                     options.target_counts),
      contact_privacy_(context_, std::move(repositories.contacts)) {}

}  // namespace qpp::registry
