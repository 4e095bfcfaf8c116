#pragma once

// Cultivation's own facts for funding eligibility, read from the host's
// tables in the same schema: the organisation's latest Excellence Launch
// enrolment (enrollments, with the acceptance milestone's date and the
// acceptance score). The growth plan's compliance review and priority flag
// are not recorded by cultivation yet, so that part is unavailable
// (UNIMPLEMENTED) and the growth-plan scheme decides PENDING, never a guess.

#include <memory>

#include "common/db/db.h"
#include "services/cultivation/funding/src/grpc_fact_source.h"

namespace qpp::funding {

// `pool` must outlive the object.
std::shared_ptr<CultivationFacts> NewMysqlCultivationFacts(
    db::ConnectionPool& pool);

}  // namespace qpp::funding
