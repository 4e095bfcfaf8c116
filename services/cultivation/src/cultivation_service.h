#pragma once

// The gRPC surface of cultivation: every method hands its call to the
// bounded executor at once and there runs the use case of its resource
// (cultivation.h), converting the absl::Status it returns, with its
// google.rpc details, into the call's status. No SQL and no domain rules
// here. Methods that call another service or record who acted take the
// call's context (deadline, request id, principal) from the server context
// with RequestContextFromServer.
//
// Besides the statuses of the use cases, any method may answer UNAVAILABLE
// (SERVER_OVERLOADED) when the executor's queue is full, CANCELLED or
// DEADLINE_EXCEEDED for a call that ended while it was queued.

#include "common/context/grpc_request_context.h"
#include "common/server/executor.h"
#include "qpp/cultivation/v1/cultivation_service.grpc.pb.h"
#include "services/cultivation/src/cultivation.h"

namespace qpp::cultivation {

class CultivationServiceImpl final
    : public v1::CultivationService::CallbackService {
 public:
  // Neither `cultivation` nor `executor` is owned; both must outlive the
  // service. `trust` says whose principal header to believe.
  CultivationServiceImpl(Cultivation& cultivation, server::Executor& executor,
                         PrincipalTrust trust)
      : cultivation_(cultivation),
        executor_(executor),
        trust_(std::move(trust)) {}

  // Cohorts (cohorts.h).
  grpc::ServerUnaryReactor* CreateCohort(grpc::CallbackServerContext* ctx,
                                         const v1::CreateCohortRequest* req,
                                         v1::Cohort* resp) override;
  grpc::ServerUnaryReactor* GetCohort(grpc::CallbackServerContext* ctx,
                                      const v1::GetCohortRequest* req,
                                      v1::Cohort* resp) override;
  grpc::ServerUnaryReactor* ListCohorts(grpc::CallbackServerContext* ctx,
                                        const v1::ListCohortsRequest* req,
                                        v1::ListCohortsResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateCohort(grpc::CallbackServerContext* ctx,
                                         const v1::UpdateCohortRequest* req,
                                         v1::Cohort* resp) override;

  // Applications (applications.h).
  grpc::ServerUnaryReactor* CreateApplication(
      grpc::CallbackServerContext* ctx, const v1::CreateApplicationRequest* req,
      v1::Application* resp) override;
  grpc::ServerUnaryReactor* GetApplication(grpc::CallbackServerContext* ctx,
                                           const v1::GetApplicationRequest* req,
                                           v1::Application* resp) override;
  grpc::ServerUnaryReactor* ListApplications(
      grpc::CallbackServerContext* ctx, const v1::ListApplicationsRequest* req,
      v1::ListApplicationsResponse* resp) override;
  grpc::ServerUnaryReactor* WithdrawApplication(
      grpc::CallbackServerContext* ctx,
      const v1::WithdrawApplicationRequest* req,
      v1::Application* resp) override;
  grpc::ServerUnaryReactor* ResolveAdjudication(
      grpc::CallbackServerContext* ctx,
      const v1::ResolveAdjudicationRequest* req,
      v1::Application* resp) override;

  // Experts (experts.h).
  grpc::ServerUnaryReactor* CreateExpert(grpc::CallbackServerContext* ctx,
                                         const v1::CreateExpertRequest* req,
                                         v1::Expert* resp) override;
  grpc::ServerUnaryReactor* GetExpert(grpc::CallbackServerContext* ctx,
                                      const v1::GetExpertRequest* req,
                                      v1::Expert* resp) override;
  grpc::ServerUnaryReactor* ListExperts(grpc::CallbackServerContext* ctx,
                                        const v1::ListExpertsRequest* req,
                                        v1::ListExpertsResponse* resp) override;
  grpc::ServerUnaryReactor* DeclareConflict(
      grpc::CallbackServerContext* ctx, const v1::DeclareConflictRequest* req,
      v1::Expert* resp) override;

  // Reviews (reviews.h).
  grpc::ServerUnaryReactor* CreateReview(grpc::CallbackServerContext* ctx,
                                         const v1::CreateReviewRequest* req,
                                         v1::Review* resp) override;
  grpc::ServerUnaryReactor* GetReview(grpc::CallbackServerContext* ctx,
                                      const v1::GetReviewRequest* req,
                                      v1::Review* resp) override;
  grpc::ServerUnaryReactor* ListReviews(grpc::CallbackServerContext* ctx,
                                        const v1::ListReviewsRequest* req,
                                        v1::ListReviewsResponse* resp) override;
  grpc::ServerUnaryReactor* SubmitReview(grpc::CallbackServerContext* ctx,
                                         const v1::SubmitReviewRequest* req,
                                         v1::Review* resp) override;

  // Selection (selections.h).
  grpc::ServerUnaryReactor* RunSelection(grpc::CallbackServerContext* ctx,
                                         const v1::RunSelectionRequest* req,
                                         v1::Selection* resp) override;
  grpc::ServerUnaryReactor* GetSelection(grpc::CallbackServerContext* ctx,
                                         const v1::GetSelectionRequest* req,
                                         v1::Selection* resp) override;
  grpc::ServerUnaryReactor* ReopenSelection(
      grpc::CallbackServerContext* ctx, const v1::ReopenSelectionRequest* req,
      v1::Cohort* resp) override;

  // Enrolments (enrollments.h).
  grpc::ServerUnaryReactor* GetEnrollment(grpc::CallbackServerContext* ctx,
                                          const v1::GetEnrollmentRequest* req,
                                          v1::Enrollment* resp) override;
  grpc::ServerUnaryReactor* ListEnrollments(
      grpc::CallbackServerContext* ctx, const v1::ListEnrollmentsRequest* req,
      v1::ListEnrollmentsResponse* resp) override;
  grpc::ServerUnaryReactor* CompleteMilestone(
      grpc::CallbackServerContext* ctx, const v1::CompleteMilestoneRequest* req,
      v1::Enrollment* resp) override;
  grpc::ServerUnaryReactor* RecordAcceptance(
      grpc::CallbackServerContext* ctx, const v1::RecordAcceptanceRequest* req,
      v1::Enrollment* resp) override;
  grpc::ServerUnaryReactor* WithdrawEnrollment(
      grpc::CallbackServerContext* ctx,
      const v1::WithdrawEnrollmentRequest* req, v1::Enrollment* resp) override;
  // Growth plan (growth_plan.h).
  grpc::ServerUnaryReactor* CreateGrowthPlanParticipant(
      grpc::CallbackServerContext* ctx,
      const v1::CreateGrowthPlanParticipantRequest* req,
      v1::GrowthPlanParticipant* resp) override;
  grpc::ServerUnaryReactor* GetGrowthPlanParticipant(
      grpc::CallbackServerContext* ctx,
      const v1::GetGrowthPlanParticipantRequest* req,
      v1::GrowthPlanParticipant* resp) override;
  grpc::ServerUnaryReactor* ListGrowthPlanParticipants(
      grpc::CallbackServerContext* ctx,
      const v1::ListGrowthPlanParticipantsRequest* req,
      v1::ListGrowthPlanParticipantsResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateGrowthPlanParticipant(
      grpc::CallbackServerContext* ctx,
      const v1::UpdateGrowthPlanParticipantRequest* req,
      v1::GrowthPlanParticipant* resp) override;
  grpc::ServerUnaryReactor* CompleteCoachingMilestone(
      grpc::CallbackServerContext* ctx,
      const v1::CompleteCoachingMilestoneRequest* req,
      v1::GrowthPlanParticipant* resp) override;
  grpc::ServerUnaryReactor* RecordComplianceReview(
      grpc::CallbackServerContext* ctx,
      const v1::RecordComplianceReviewRequest* req,
      v1::GrowthPlanParticipant* resp) override;

  // Statistics (statistics.h).
  grpc::ServerUnaryReactor* GetCultivationStatistics(
      grpc::CallbackServerContext* ctx,
      const v1::GetCultivationStatisticsRequest* req,
      v1::CultivationStatistics* resp) override;

 private:
  // The call's context for use cases that need it.
  RequestContext Call(const grpc::CallbackServerContext& ctx) const {
    return RequestContextFromServer(ctx, trust_);
  }

  Cultivation& cultivation_;
  server::Executor& executor_;
  const PrincipalTrust trust_;
};

}  // namespace qpp::cultivation
