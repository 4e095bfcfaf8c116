#pragma once

// What every use case of cultivation works with besides its own
// repository: the connection pool, the registry and training (the services
// cultivation calls), the personal-data cipher, the clock and the
// programme's configured bounds. Cultivation owns it and hands the same
// context to each use case.

#include "common/crypto/cipher.h"
#include "common/dates/dates.h"
#include "common/db/db.h"
#include "services/cultivation/src/registry_client.h"
#include "services/cultivation/src/training_client.h"

namespace qpp::cultivation {

// The programme's bounds (flags of qpp-cultivation).
struct ProgrammeOptions {
  // Defaults of a new cohort ("每年30家", "百家重点培育企业库").
  int default_capacity = 30;
  int default_library_cap = 100;
  // Staff of an enrolled enterprise who must have attended training within
  // the term for its key-staff training milestone.
  int min_trained_staff = 3;
};

struct UseCaseContext {
  db::ConnectionPool& pool;
  // Organisations' standing, self-assessments, adoption status.
  RegistryClient& registry;
  // Self-assessor certificates.
  TrainingClient& training;
  // Personal data at rest (AES-256-GCM).
  const crypto::DataCipher& cipher;
  // The time of every use case; tests fix it.
  dates::Clock clock;
  ProgrammeOptions options;
};

}  // namespace qpp::cultivation
