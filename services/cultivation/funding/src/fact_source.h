#pragma once

// Where funding eligibility reads its facts: the registry, training,
// demobase and cultivation's own tables. Behind an interface so that the
// use cases do not know how each owner is reached.

#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "common/context/request_context.h"
#include "qpp/funding/v1/resources.pb.h"
#include "services/cultivation/funding/src/funding_rules.h"

namespace qpp::funding {

class FactSource {
 public:
  virtual ~FactSource() = default;
  // Reads the parts of organisation `uscc` that `needs` asks for, as of
  // `today`, within `call`'s deadline. Never fails as a whole: a part that
  // cannot be read (its owner down, too slow, or refusing) is left without
  // a value and with the reason, which the evaluation turns into PENDING.
  // Thread-safe.
  virtual Facts Read(const RequestContext& call, const std::string& uscc,
                     const FactNeeds& needs, absl::CivilDay today) = 0;

  // Fills the registry's part of `record` (organization, registry status,
  // name, adoption, awards, benchmarks, self-assessments, credit). NOT_FOUND
  // if the registry does not know the organisation; any other failure
  // leaves the part unavailable with the reason and returns OK.
  virtual absl::Status ReadRegistryRecord(const RequestContext& call,
                                          const std::string& uscc,
                                          v1::QualityRecord* record) = 0;
};

}  // namespace qpp::funding
