#include "services/cultivation/src/cultivation_service.h"

#include "common/server/offload.h"

namespace qpp::cultivation {

grpc::ServerUnaryReactor* CultivationServiceImpl::CreateCohort(
    grpc::CallbackServerContext* ctx, const v1::CreateCohortRequest* req,
    v1::Cohort* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return cultivation_.cohorts().CreateCohort(*req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::GetCohort(
    grpc::CallbackServerContext* ctx, const v1::GetCohortRequest* req,
    v1::Cohort* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return cultivation_.cohorts().GetCohort(*req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::ListCohorts(
    grpc::CallbackServerContext* ctx, const v1::ListCohortsRequest* req,
    v1::ListCohortsResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return cultivation_.cohorts().ListCohorts(*req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::UpdateCohort(
    grpc::CallbackServerContext* ctx, const v1::UpdateCohortRequest* req,
    v1::Cohort* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return cultivation_.cohorts().UpdateCohort(*req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::CreateApplication(
    grpc::CallbackServerContext* ctx, const v1::CreateApplicationRequest* req,
    v1::Application* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return cultivation_.applications().CreateApplication(Call(*ctx), *req,
                                                         resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::GetApplication(
    grpc::CallbackServerContext* ctx, const v1::GetApplicationRequest* req,
    v1::Application* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return cultivation_.applications().GetApplication(*req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::ListApplications(
    grpc::CallbackServerContext* ctx, const v1::ListApplicationsRequest* req,
    v1::ListApplicationsResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return cultivation_.applications().ListApplications(*req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::WithdrawApplication(
    grpc::CallbackServerContext* ctx, const v1::WithdrawApplicationRequest* req,
    v1::Application* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return cultivation_.applications().WithdrawApplication(Call(*ctx), *req,
                                                           resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::ResolveAdjudication(
    grpc::CallbackServerContext* ctx, const v1::ResolveAdjudicationRequest* req,
    v1::Application* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return cultivation_.applications().ResolveAdjudication(Call(*ctx), *req,
                                                           resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::CreateExpert(
    grpc::CallbackServerContext* ctx, const v1::CreateExpertRequest* req,
    v1::Expert* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return cultivation_.experts().CreateExpert(Call(*ctx), *req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::GetExpert(
    grpc::CallbackServerContext* ctx, const v1::GetExpertRequest* req,
    v1::Expert* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return cultivation_.experts().GetExpert(*req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::ListExperts(
    grpc::CallbackServerContext* ctx, const v1::ListExpertsRequest* req,
    v1::ListExpertsResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return cultivation_.experts().ListExperts(*req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::DeclareConflict(
    grpc::CallbackServerContext* ctx, const v1::DeclareConflictRequest* req,
    v1::Expert* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return cultivation_.experts().DeclareConflict(Call(*ctx), *req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::CreateReview(
    grpc::CallbackServerContext* ctx, const v1::CreateReviewRequest* req,
    v1::Review* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return cultivation_.reviews().CreateReview(Call(*ctx), *req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::GetReview(
    grpc::CallbackServerContext* ctx, const v1::GetReviewRequest* req,
    v1::Review* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return cultivation_.reviews().GetReview(*req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::ListReviews(
    grpc::CallbackServerContext* ctx, const v1::ListReviewsRequest* req,
    v1::ListReviewsResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return cultivation_.reviews().ListReviews(*req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::SubmitReview(
    grpc::CallbackServerContext* ctx, const v1::SubmitReviewRequest* req,
    v1::Review* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return cultivation_.reviews().SubmitReview(Call(*ctx), *req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::RunSelection(
    grpc::CallbackServerContext* ctx, const v1::RunSelectionRequest* req,
    v1::Selection* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return cultivation_.selections().RunSelection(Call(*ctx), *req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::GetSelection(
    grpc::CallbackServerContext* ctx, const v1::GetSelectionRequest* req,
    v1::Selection* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return cultivation_.selections().GetSelection(*req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::ReopenSelection(
    grpc::CallbackServerContext* ctx, const v1::ReopenSelectionRequest* req,
    v1::Cohort* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return cultivation_.selections().ReopenSelection(Call(*ctx), *req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::GetEnrollment(
    grpc::CallbackServerContext* ctx, const v1::GetEnrollmentRequest* req,
    v1::Enrollment* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return cultivation_.enrollments().GetEnrollment(*req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::ListEnrollments(
    grpc::CallbackServerContext* ctx, const v1::ListEnrollmentsRequest* req,
    v1::ListEnrollmentsResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return cultivation_.enrollments().ListEnrollments(*req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::CompleteMilestone(
    grpc::CallbackServerContext* ctx, const v1::CompleteMilestoneRequest* req,
    v1::Enrollment* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return cultivation_.enrollments().CompleteMilestone(Call(*ctx), *req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::RecordAcceptance(
    grpc::CallbackServerContext* ctx, const v1::RecordAcceptanceRequest* req,
    v1::Enrollment* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return cultivation_.enrollments().RecordAcceptance(Call(*ctx), *req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::WithdrawEnrollment(
    grpc::CallbackServerContext* ctx, const v1::WithdrawEnrollmentRequest* req,
    v1::Enrollment* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return cultivation_.enrollments().WithdrawEnrollment(Call(*ctx), *req,
                                                         resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::CreateGrowthPlanParticipant(
    grpc::CallbackServerContext* ctx,
    const v1::CreateGrowthPlanParticipantRequest* req,
    v1::GrowthPlanParticipant* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return cultivation_.growth_plan().CreateParticipant(Call(*ctx), *req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::GetGrowthPlanParticipant(
    grpc::CallbackServerContext* ctx,
    const v1::GetGrowthPlanParticipantRequest* req,
    v1::GrowthPlanParticipant* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return cultivation_.growth_plan().GetParticipant(*req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::ListGrowthPlanParticipants(
    grpc::CallbackServerContext* ctx,
    const v1::ListGrowthPlanParticipantsRequest* req,
    v1::ListGrowthPlanParticipantsResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return cultivation_.growth_plan().ListParticipants(*req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::UpdateGrowthPlanParticipant(
    grpc::CallbackServerContext* ctx,
    const v1::UpdateGrowthPlanParticipantRequest* req,
    v1::GrowthPlanParticipant* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return cultivation_.growth_plan().UpdateParticipant(*req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::CompleteCoachingMilestone(
    grpc::CallbackServerContext* ctx,
    const v1::CompleteCoachingMilestoneRequest* req,
    v1::GrowthPlanParticipant* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return cultivation_.growth_plan().CompleteCoaching(Call(*ctx), *req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::RecordComplianceReview(
    grpc::CallbackServerContext* ctx,
    const v1::RecordComplianceReviewRequest* req,
    v1::GrowthPlanParticipant* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return cultivation_.growth_plan().RecordReview(Call(*ctx), *req, resp);
  });
}

grpc::ServerUnaryReactor* CultivationServiceImpl::GetCultivationStatistics(
    grpc::CallbackServerContext* ctx,
    const v1::GetCultivationStatisticsRequest* req,
    v1::CultivationStatistics* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return cultivation_.statistics().GetCultivationStatistics(*req, resp);
  });
}

}  // namespace qpp::cultivation
