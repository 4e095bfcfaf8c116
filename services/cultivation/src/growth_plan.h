#pragma once

// Use cases of the enterprise growth plan (企业成长计划,
// "growthPlanParticipants/{participant}"): SMEs take part on their
// voluntary application, are coached over the four operating modules in
// order, and pass or fail a compliance review (达标审查) that sets or
// clears their priority for project approval and funding. Rules:
// growth_plan_rules.h.
//
// The registry is asked before the transaction (the size class decides
// who may take part): a registry that is down leaves nothing written.
//
// Statuses: INVALID_ARGUMENT for bad input (nothing written); NOT_FOUND;
// FAILED_PRECONDITION (ORGANIZATION_NOT_REGISTERED,
// ORGANIZATION_NOT_ENTERPRISE, NOT_SME, MILESTONE_OUT_OF_ORDER,
// COACHING_INCOMPLETE); ALREADY_EXISTS (GROWTH_PLAN_EXISTS); UNAVAILABLE
// (REGISTRY_UNAVAILABLE); ABORTED for an etag mismatch or a concurrent
// change; UNAVAILABLE when the database is unreachable.

#include "absl/status/status.h"
#include "common/context/request_context.h"
#include "qpp/cultivation/v1/cultivation_service.pb.h"
#include "services/cultivation/src/cultivation_repository.h"
#include "services/cultivation/src/use_case_context.h"

namespace qpp::cultivation {

class GrowthPlan final {
 public:
  // The context and the repository must outlive this object.
  GrowthPlan(const UseCaseContext& context, GrowthPlanRepository& repository);

  // Takes an SME into the growth plan on its application.
  absl::Status CreateParticipant(
      const RequestContext& call,
      const v1::CreateGrowthPlanParticipantRequest& req,
      v1::GrowthPlanParticipant* resp);
  // One participant.
  absl::Status GetParticipant(const v1::GetGrowthPlanParticipantRequest& req,
                              v1::GrowthPlanParticipant* resp);
  // A page of participants by id.
  absl::Status ListParticipants(
      const v1::ListGrowthPlanParticipantsRequest& req,
      v1::ListGrowthPlanParticipantsResponse* resp);
  // Changes categories or statement (field mask, etag).
  absl::Status UpdateParticipant(
      const v1::UpdateGrowthPlanParticipantRequest& req,
      v1::GrowthPlanParticipant* resp);
  // Completes the coaching of the next operating module.
  absl::Status CompleteCoaching(const RequestContext& call,
                                const v1::CompleteCoachingMilestoneRequest& req,
                                v1::GrowthPlanParticipant* resp);
  // Records a compliance review after the four modules; sets or clears
  // the priority flag.
  absl::Status RecordReview(const RequestContext& call,
                            const v1::RecordComplianceReviewRequest& req,
                            v1::GrowthPlanParticipant* resp);

 private:
  // The stored participant `id` with its coaching and reviews as the API
  // shows it; NOT_FOUND if none.
  absl::Status Load(db::Connection& conn, int64_t id,
                    v1::GrowthPlanParticipant* resp);
  const UseCaseContext context_;
  GrowthPlanRepository& repository_;
};

}  // namespace qpp::cultivation
