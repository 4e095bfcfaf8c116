#pragma once

// What every use case of the registry works with besides its own
// repository: the connection pool, the organisations (every record hangs
// off one), contact encryption, reference data and the clock. Registry owns
// all of it and hands the same context to each use case.

#include "common/dates/dates.h"
#include "common/db/db.h"
#include "services/registry/src/contact_cipher.h"
#include "services/registry/src/organization_store.h"
#include "services/registry/src/reference_cache.h"
#include "services/registry/src/registry_repository.h"

namespace qpp::registry {

struct UseCaseContext {
  db::ConnectionPool& pool;
  // Organisations as stored (inserts, lists, existence of USCCs).
  OrganizationRepository& organization_repository;
  // Organisations inside a transaction: load, check, save.
  OrganizationStore& organizations;
  const ContactCipher& contacts;
  ReferenceCache& reference;
  // The time of every use case; tests fix it.
  dates::Clock clock;
};

}  // namespace qpp::registry
