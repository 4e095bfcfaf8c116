#pragma once

// What every use case of training works with besides its own repository:
// the connection pool, the registry (the one service training calls), the
// personal-data cipher and the clock. Training owns it and hands the same
// context to each use case.

#include "common/crypto/cipher.h"
#include "common/dates/dates.h"
#include "common/db/db.h"
#include "services/training/src/registry_client.h"

namespace qpp::training {

struct UseCaseContext {
  db::ConnectionPool& pool;
  // Whether organisations (providers, employers) are registered.
  RegistryClient& registry;
  // Personal data at rest (AES-256-GCM) and its lookup hashes.
  const crypto::DataCipher& cipher;
  // The time of every use case; tests fix it.
  dates::Clock clock;
};

}  // namespace qpp::training
