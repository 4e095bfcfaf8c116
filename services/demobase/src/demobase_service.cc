#include "services/demobase/src/demobase_service.h"

#include "common/server/offload.h"

namespace qpp::demobase {

grpc::ServerUnaryReactor* DemoBaseServiceImpl::CreateDemonstrationBase(
    grpc::CallbackServerContext* ctx,
    const v1::CreateDemonstrationBaseRequest* req,
    v1::DemonstrationBase* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return demobase_.bases().CreateDemonstrationBase(Call(*ctx), *req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::GetDemonstrationBase(
    grpc::CallbackServerContext* ctx,
    const v1::GetDemonstrationBaseRequest* req, v1::DemonstrationBase* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.bases().GetDemonstrationBase(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::ListDemonstrationBases(
    grpc::CallbackServerContext* ctx,
    const v1::ListDemonstrationBasesRequest* req,
    v1::ListDemonstrationBasesResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.bases().ListDemonstrationBases(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::UpdateDemonstrationBase(
    grpc::CallbackServerContext* ctx,
    const v1::UpdateDemonstrationBaseRequest* req,
    v1::DemonstrationBase* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.bases().UpdateDemonstrationBase(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::SuspendDemonstrationBase(
    grpc::CallbackServerContext* ctx,
    const v1::SuspendDemonstrationBaseRequest* req,
    v1::DemonstrationBase* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return demobase_.bases().SuspendDemonstrationBase(Call(*ctx), *req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::ReinstateDemonstrationBase(
    grpc::CallbackServerContext* ctx,
    const v1::ReinstateDemonstrationBaseRequest* req,
    v1::DemonstrationBase* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return demobase_.bases().ReinstateDemonstrationBase(Call(*ctx), *req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::WithdrawDemonstrationBase(
    grpc::CallbackServerContext* ctx,
    const v1::WithdrawDemonstrationBaseRequest* req,
    v1::DemonstrationBase* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return demobase_.bases().WithdrawDemonstrationBase(Call(*ctx), *req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::CreateOpenEvent(
    grpc::CallbackServerContext* ctx, const v1::CreateOpenEventRequest* req,
    v1::OpenEvent* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.events().CreateOpenEvent(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::GetOpenEvent(
    grpc::CallbackServerContext* ctx, const v1::GetOpenEventRequest* req,
    v1::OpenEvent* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.events().GetOpenEvent(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::ListOpenEvents(
    grpc::CallbackServerContext* ctx, const v1::ListOpenEventsRequest* req,
    v1::ListOpenEventsResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.events().ListOpenEvents(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::UpdateOpenEvent(
    grpc::CallbackServerContext* ctx, const v1::UpdateOpenEventRequest* req,
    v1::OpenEvent* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.events().UpdateOpenEvent(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::CancelOpenEvent(
    grpc::CallbackServerContext* ctx, const v1::CancelOpenEventRequest* req,
    v1::OpenEvent* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.events().CancelOpenEvent(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::MarkOpenEventHeld(
    grpc::CallbackServerContext* ctx, const v1::MarkOpenEventHeldRequest* req,
    v1::OpenEvent* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.events().MarkOpenEventHeld(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::CreateRegistration(
    grpc::CallbackServerContext* ctx, const v1::CreateRegistrationRequest* req,
    v1::Registration* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.registrations().CreateRegistration(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::GetRegistration(
    grpc::CallbackServerContext* ctx, const v1::GetRegistrationRequest* req,
    v1::Registration* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.registrations().GetRegistration(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::ListRegistrations(
    grpc::CallbackServerContext* ctx, const v1::ListRegistrationsRequest* req,
    v1::ListRegistrationsResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.registrations().ListRegistrations(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::CancelRegistration(
    grpc::CallbackServerContext* ctx, const v1::CancelRegistrationRequest* req,
    v1::Registration* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.registrations().CancelRegistration(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::RecordAttendance(
    grpc::CallbackServerContext* ctx, const v1::RecordAttendanceRequest* req,
    v1::Registration* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.registrations().RecordAttendance(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::ListBaseCompliance(
    grpc::CallbackServerContext* ctx, const v1::ListBaseComplianceRequest* req,
    v1::ListBaseComplianceResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.compliance().ListBaseCompliance(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::GetDemoBaseStatistics(
    grpc::CallbackServerContext* ctx,
    const v1::GetDemoBaseStatisticsRequest* req, v1::DemoBaseStatistics* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.compliance().GetDemoBaseStatistics(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::CreateSurveyRound(
    grpc::CallbackServerContext* ctx, const v1::CreateSurveyRoundRequest* req,
    v1::SurveyRound* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.surveys().CreateSurveyRound(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::GetSurveyRound(
    grpc::CallbackServerContext* ctx, const v1::GetSurveyRoundRequest* req,
    v1::SurveyRound* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.surveys().GetSurveyRound(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::ListSurveyRounds(
    grpc::CallbackServerContext* ctx, const v1::ListSurveyRoundsRequest* req,
    v1::ListSurveyRoundsResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.surveys().ListSurveyRounds(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::CompleteSurveyRound(
    grpc::CallbackServerContext* ctx, const v1::CompleteSurveyRoundRequest* req,
    v1::SurveyRound* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.surveys().CompleteSurveyRound(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::BatchCreateSurveyScores(
    grpc::CallbackServerContext* ctx,
    const v1::BatchCreateSurveyScoresRequest* req,
    v1::BatchCreateSurveyScoresResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.surveys().BatchCreateSurveyScores(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::ListSurveyScores(
    grpc::CallbackServerContext* ctx, const v1::ListSurveyScoresRequest* req,
    v1::ListSurveyScoresResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.surveys().ListSurveyScores(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::CompareSurveyRounds(
    grpc::CallbackServerContext* ctx, const v1::CompareSurveyRoundsRequest* req,
    v1::CompareSurveyRoundsResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.surveys().CompareSurveyRounds(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::CreateDemonstrationProject(
    grpc::CallbackServerContext* ctx,
    const v1::CreateDemonstrationProjectRequest* req,
    v1::DemonstrationProject* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return demobase_.projects().CreateDemonstrationProject(Call(*ctx), *req,
                                                           resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::GetDemonstrationProject(
    grpc::CallbackServerContext* ctx,
    const v1::GetDemonstrationProjectRequest* req,
    v1::DemonstrationProject* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.projects().GetDemonstrationProject(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::ListDemonstrationProjects(
    grpc::CallbackServerContext* ctx,
    const v1::ListDemonstrationProjectsRequest* req,
    v1::ListDemonstrationProjectsResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.projects().ListDemonstrationProjects(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::UpdateDemonstrationProject(
    grpc::CallbackServerContext* ctx,
    const v1::UpdateDemonstrationProjectRequest* req,
    v1::DemonstrationProject* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.projects().UpdateDemonstrationProject(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::TransitionDemonstrationProject(
    grpc::CallbackServerContext* ctx,
    const v1::TransitionDemonstrationProjectRequest* req,
    v1::DemonstrationProject* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return demobase_.projects().TransitionDemonstrationProject(Call(*ctx), *req,
                                                               resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::AddProjectParticipant(
    grpc::CallbackServerContext* ctx,
    const v1::AddProjectParticipantRequest* req,
    v1::DemonstrationProject* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return demobase_.projects().AddProjectParticipant(Call(*ctx), *req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::RemoveProjectParticipant(
    grpc::CallbackServerContext* ctx,
    const v1::RemoveProjectParticipantRequest* req,
    v1::DemonstrationProject* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.projects().RemoveProjectParticipant(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::CreateProjectMilestone(
    grpc::CallbackServerContext* ctx,
    const v1::CreateProjectMilestoneRequest* req, v1::ProjectMilestone* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.projects().CreateProjectMilestone(*req, resp);
  });
}

grpc::ServerUnaryReactor* DemoBaseServiceImpl::CompleteProjectMilestone(
    grpc::CallbackServerContext* ctx,
    const v1::CompleteProjectMilestoneRequest* req,
    v1::ProjectMilestone* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return demobase_.projects().CompleteProjectMilestone(*req, resp);
  });
}

}  // namespace qpp::demobase
