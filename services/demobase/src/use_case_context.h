#pragma once

// What every use case of demobase works with besides its own repository:
// the connection pool, the registry (the one service demobase calls), the
// personal-data cipher, the clock and the programme's configured bounds.
// DemoBase owns it and hands the same context to each use case.

#include "common/crypto/cipher.h"
#include "common/dates/dates.h"
#include "common/db/db.h"
#include "services/demobase/src/registry_client.h"

namespace qpp::demobase {

// The programme's bounds (flags of qpp-demobase).
struct ProgrammeOptions {
  // Designations per year: at least (reported) and at most (enforced).
  int min_bases_per_year = 2;
  int max_bases_per_year = 4;
  // Events a base holds per year at least ("不少于6批次").
  int min_events_per_year = 6;
};

struct UseCaseContext {
  db::ConnectionPool& pool;
  // Whether organisations may become bases.
  RegistryClient& registry;
  // Personal data at rest (AES-256-GCM).
  const crypto::DataCipher& cipher;
  // The time of every use case; tests fix it.
  dates::Clock clock;
  ProgrammeOptions options;
};

}  // namespace qpp::demobase
