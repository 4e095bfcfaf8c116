#pragma once

// Use cases of organisations: Get, List, Create, Update, Delete (archive),
// Undelete and SetAdoptionStatus. Each validates the request, runs its
// transaction through the repository and fills the response; the rules are
// in organization_rules.h. Transport-independent: registry_service.cc only
// offloads calls here. (Batch creation and import: organization_import.h.)
//
// Every use case takes the caller's context and acts within its district
// scope (district_scope.h): a district office reads and writes only its
// district's organisations, archives and restores none, and sets no
// key-enterprise flag.
//
// Statuses: INVALID_ARGUMENT with field violations for bad input (nothing
// written); NOT_FOUND; ALREADY_EXISTS (ORGANIZATION_EXISTS);
// PERMISSION_DENIED (OUTSIDE_DISTRICT, PROGRAMME_OFFICE_ONLY) for what the
// caller's district scope does not cover;
// FAILED_PRECONDITION for state rules (archived, adoption order); ABORTED for
// etag mismatches and conflicts; UNAVAILABLE when the database is
// unreachable.

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/context/request_context.h"
#include "qpp/registry/v1/registry_service.pb.h"
#include "services/registry/src/district_scope.h"
#include "services/registry/src/registry_repository.h"
#include "services/registry/src/use_case_context.h"

namespace qpp::registry {

class Organizations final {
 public:
  // The context must outlive this object.
  explicit Organizations(const UseCaseContext& context);

  // The organisation with contacts masked.
  absl::Status GetOrganization(const RequestContext& call,
                               const v1::GetOrganizationRequest& req,
                               v1::Organization* resp);
  // Up to kMaxBatchGet organisations by name, in the order asked, contacts
  // masked. INVALID_ARGUMENT ("names") for none, too many, malformed or
  // repeated names; NOT_FOUND for the first unregistered one.
  absl::Status BatchGetOrganizations(
      const RequestContext& call, const v1::BatchGetOrganizationsRequest& req,
      v1::BatchGetOrganizationsResponse* resp);
  static constexpr int kMaxBatchGet = 500;

  // A page of organisations by USCC, active ones unless show_deleted; a
  // district office's own district only (district_code may name it or be
  // empty).
  absl::Status ListOrganizations(const RequestContext& call,
                                 const v1::ListOrganizationsRequest& req,
                                 v1::ListOrganizationsResponse* resp);
  // Registers a new organisation (version 1); idempotent by request_id.
  absl::Status CreateOrganization(const RequestContext& call,
                                  const v1::CreateOrganizationRequest& req,
                                  v1::Organization* resp);
  // Changes the fields of the update mask of an active organisation.
  absl::Status UpdateOrganization(const RequestContext& call,
                                  const v1::UpdateOrganizationRequest& req,
                                  v1::Organization* resp);
  // Archives the organisation (soft delete); city-wide callers only.
  absl::Status DeleteOrganization(const RequestContext& call,
                                  const v1::DeleteOrganizationRequest& req,
                                  v1::Organization* resp);
  // Makes an archived organisation active again; city-wide callers only.
  absl::Status UndeleteOrganization(const RequestContext& call,
                                    const v1::UndeleteOrganizationRequest& req,
                                    v1::Organization* resp);
  // Moves the organisation's adoption of the excellence model forward.
  absl::Status SetAdoptionStatus(const RequestContext& call,
                                 const v1::SetAdoptionStatusRequest& req,
                                 v1::Organization* resp);

 private:
  // Changes one organisation, idempotently by `request_id` of `req`: loads
  // it for change within `scope` (ABORTED on an `etag` mismatch), checks
  // that the scope may make the new version, lets `change` make the
  // new version at `now` (its status is returned as is), saves it and
  // answers it in `resp`.
  absl::Status ChangeOrganization(
      const DistrictScope& scope, const google::protobuf::Message& req,
      absl::string_view request_id, const std::string& uscc,
      const std::string& etag, v1::Organization* resp,
      absl::FunctionRef<
          absl::StatusOr<v1::Organization>(const v1::Organization&, absl::Time)>
          change);

  const UseCaseContext context_;
};

}  // namespace qpp::registry
