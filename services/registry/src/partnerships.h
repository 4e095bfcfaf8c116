#pragma once

// Use cases of partnerships ("partnerships/{uscc}", keyed by the partner's
// USCC): an industry association, chamber of commerce or social
// organisation that promotes the excellence model in industries and among
// member organisations. Rules: partnership_rules.h.
//
// Statuses: INVALID_ARGUMENT with field violations for bad input (also for
// members that are not registered); NOT_FOUND; ALREADY_EXISTS
// (PARTNERSHIP_EXISTS); FAILED_PRECONDITION (ORGANIZATION_ARCHIVED,
// PARTNER_KIND); ABORTED for etag mismatches and conflicts; UNAVAILABLE when
// the database is unreachable.

#include <memory>

#include "absl/status/status.h"
#include "common/context/request_context.h"
#include "qpp/registry/v1/registry_service.pb.h"
#include "services/registry/src/registry_repository.h"
#include "services/registry/src/use_case_context.h"

namespace qpp::registry {

class Partnerships final {
 public:
  // The context must outlive this object.
  Partnerships(const UseCaseContext& context,
               std::unique_ptr<PartnershipRepository> repository);

  // Records the partnership of an active partner of a partner kind whose
  // members are registered; idempotent by request_id.
  absl::Status CreatePartnership(const RequestContext& call,
                                 const v1::CreatePartnershipRequest& req,
                                 v1::Partnership* resp);
  // The partnership of "partnerships/{uscc}".
  absl::Status GetPartnership(const v1::GetPartnershipRequest& req,
                              v1::Partnership* resp);
  // A page of partnerships by the partner's USCC.
  absl::Status ListPartnerships(const v1::ListPartnershipsRequest& req,
                                v1::ListPartnershipsResponse* resp);
  // Changes the fields of the update mask.
  absl::Status UpdatePartnership(const RequestContext& call,
                                 const v1::UpdatePartnershipRequest& req,
                                 v1::Partnership* resp);
  // Deletes a partnership with its industries and members.
  absl::Status DeletePartnership(const RequestContext& call,
                                 const v1::DeletePartnershipRequest& req,
                                 v1::DeletePartnershipResponse* resp);

 private:
  const UseCaseContext context_;
  std::unique_ptr<PartnershipRepository> repository_;
};

}  // namespace qpp::registry
