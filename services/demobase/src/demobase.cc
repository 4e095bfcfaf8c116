#include "services/demobase/src/demobase.h"

namespace qpp::demobase {

DemoBaseRepositories NewMysqlDemoBaseRepositories() {
  DemoBaseRepositories repositories;
  repositories.bases = NewMysqlBaseRepository();
  return repositories;
}

DemoBase::DemoBase(db::ConnectionPool& pool, DemoBaseRepositories repositories,
                   std::unique_ptr<RegistryClient> registry,
                   crypto::DataCipher cipher, dates::Clock clock,
                   ProgrammeOptions options)
    : registry_(std::move(registry)),
      cipher_(std::move(cipher)),
      base_repository_(std::move(repositories.bases)),
      context_{pool, *registry_, cipher_, std::move(clock), options},
      bases_(context_, *base_repository_) {}

}  // namespace qpp::demobase
