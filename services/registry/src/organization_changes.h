#pragma once

// The use case of the change feed of organisations
// (ListOrganizationChanges), which services that depend on the registry's
// facts follow with a resumable cursor (the funding eligibility first).
// What makes an entry: organization_change_rules.h; how entries are
// numbered so that none is skipped or repeated: OrganizationChangeRepository
// and docs/architecture.md.
//
// Statuses: INVALID_ARGUMENT ("page_size", "page_token", "since");
// PERMISSION_DENIED (OUTSIDE_DISTRICT) for a district office without a
// district; UNAVAILABLE when the database is unreachable.

#include <memory>

#include "absl/status/status.h"
#include "common/context/request_context.h"
#include "qpp/registry/v1/registry_service.pb.h"
#include "services/registry/src/registry_repository.h"
#include "services/registry/src/use_case_context.h"

namespace qpp::registry {

class OrganizationChanges final {
 public:
  // The context must outlive this object; `repository` is the one the
  // organisation store writes the feed with.
  OrganizationChanges(const UseCaseContext& context,
                      OrganizationChangeRepository& repository);

  // The next entries of the feed after the request's position, and the
  // cursor after them. A district office gets only its district's entries.
  absl::Status ListOrganizationChanges(
      const RequestContext& call, const v1::ListOrganizationChangesRequest& req,
      v1::ListOrganizationChangesResponse* resp);

 private:
  const UseCaseContext context_;
  OrganizationChangeRepository& repository_;
};

}  // namespace qpp::registry
