#pragma once

// Use cases of award records ("organizations/{uscc}/awards/{year}"), the
// quality awards an organisation received: Create, List (one organisation
// or all, "organizations/-") and Delete. Rules: award_rules.h.
//
// Statuses: INVALID_ARGUMENT with field violations for bad input; NOT_FOUND;
// ALREADY_EXISTS (AWARD_EXISTS) for a second award in a year;
// FAILED_PRECONDITION (ORGANIZATION_ARCHIVED); UNAVAILABLE when the database
// is unreachable.

#include <memory>

#include "absl/status/status.h"
#include "common/context/request_context.h"
#include "qpp/registry/v1/registry_service.pb.h"
#include "services/registry/src/registry_repository.h"
#include "services/registry/src/use_case_context.h"

namespace qpp::registry {

class Awards final {
 public:
  // The context must outlive this object.
  Awards(const UseCaseContext& context,
         std::unique_ptr<AwardRepository> repository);

  // Records an award of an active organisation; idempotent by request_id.
  absl::Status CreateAwardRecord(const RequestContext& call,
                                 const v1::CreateAwardRecordRequest& req,
                                 v1::AwardRecord* resp);
  // A page of award records, newest year first.
  absl::Status ListAwardRecords(const RequestContext& call,
                                const v1::ListAwardRecordsRequest& req,
                                v1::ListAwardRecordsResponse* resp);
  // Deletes an award record (a correction).
  absl::Status DeleteAwardRecord(const RequestContext& call,
                                 const v1::DeleteAwardRecordRequest& req,
                                 v1::DeleteAwardRecordResponse* resp);

 private:
  const UseCaseContext context_;
  std::unique_ptr<AwardRepository> repository_;
};

}  // namespace qpp::registry
