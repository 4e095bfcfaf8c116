#pragma once

// Use cases of demonstration bases ("demonstrationBases/{base}"): the
// designation of an organisation for a year (checked with the registry,
// bounded per year), its theme and industry, and its status with history.
// Rules: base_rules.h.
//
// The yearly maximum: every designation locks its year's counter row
// before counting the year's designations, so two designations of the same
// year are decided one after the other, however many arrive at once.
//
// Statuses: INVALID_ARGUMENT with field violations for bad input;
// NOT_FOUND; ALREADY_EXISTS (BASE_EXISTS); FAILED_PRECONDITION
// (ORGANIZATION_NOT_REGISTERED, ORGANIZATION_NOT_ELIGIBLE,
// DESIGNATION_LIMIT_REACHED, INVALID_STATUS_CHANGE); UNAVAILABLE
// (REGISTRY_UNAVAILABLE) when the registry cannot answer, and then nothing
// is written; ABORTED for etag mismatches and conflicts; UNAVAILABLE when
// the database is unreachable.

#include <memory>

#include "absl/status/status.h"
#include "common/context/request_context.h"
#include "qpp/demobase/v1/demobase_service.pb.h"
#include "services/demobase/src/demobase_repository.h"
#include "services/demobase/src/use_case_context.h"

namespace qpp::demobase {

class Bases final {
 public:
  // The context and the repository (shared with the event use cases) must
  // outlive this object.
  Bases(const UseCaseContext& context, BaseRepository& repository);

  // Designates a base after asking the registry under `call` (deadline,
  // request id, principal) whether the organisation qualifies; idempotent
  // by request_id.
  absl::Status CreateDemonstrationBase(
      const RequestContext& call, const v1::CreateDemonstrationBaseRequest& req,
      v1::DemonstrationBase* resp);
  // One base with its history.
  absl::Status GetDemonstrationBase(const v1::GetDemonstrationBaseRequest& req,
                                    v1::DemonstrationBase* resp);
  // A page of bases by id.
  absl::Status ListDemonstrationBases(
      const v1::ListDemonstrationBasesRequest& req,
      v1::ListDemonstrationBasesResponse* resp);
  // Changes theme or industry.
  absl::Status UpdateDemonstrationBase(
      const v1::UpdateDemonstrationBaseRequest& req,
      v1::DemonstrationBase* resp);
  // Status changes; `call` names who made them in the history.
  absl::Status SuspendDemonstrationBase(
      const RequestContext& call,
      const v1::SuspendDemonstrationBaseRequest& req,
      v1::DemonstrationBase* resp);
  absl::Status ReinstateDemonstrationBase(
      const RequestContext& call,
      const v1::ReinstateDemonstrationBaseRequest& req,
      v1::DemonstrationBase* resp);
  absl::Status WithdrawDemonstrationBase(
      const RequestContext& call,
      const v1::WithdrawDemonstrationBaseRequest& req,
      v1::DemonstrationBase* resp);

 private:
  // Moves base `name` to `to` with `reason`, if its etag matches.
  template <typename Request>
  absl::Status ChangeStatus(const RequestContext& call, const Request& req,
                            v1::BaseStatus to, bool reason_required,
                            v1::DemonstrationBase* resp);
  // The stored base `id` as the API shows it.
  absl::Status Load(db::Connection& conn, int64_t id,
                    v1::DemonstrationBase* resp);

  const UseCaseContext context_;
  BaseRepository& repository_;
};

}  // namespace qpp::demobase
