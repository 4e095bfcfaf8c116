#pragma once

// The gRPC surface of demobase: every method hands its call to the bounded
// executor at once and there runs the use case of its resource
// (demobase.h), converting the absl::Status it returns, with its
// google.rpc details, into the call's status. No SQL and no domain rules
// here: the use cases validate requests before any I/O. Methods that call
// the registry or record who acted take the call's context (deadline,
// request id, principal) from the server context with
// RequestContextFromServer.
//
// Besides the statuses of the use cases, any method may answer UNAVAILABLE
// (SERVER_OVERLOADED) when the executor's queue is full, CANCELLED or
// DEADLINE_EXCEEDED for a call that ended while it was queued.

#include "common/context/grpc_request_context.h"
#include "common/server/executor.h"
#include "qpp/demobase/v1/demobase_service.grpc.pb.h"
#include "services/demobase/src/demobase.h"

namespace qpp::demobase {

class DemoBaseServiceImpl final : public v1::DemoBaseService::CallbackService {
 public:
  // Neither `demobase` nor `executor` is owned; both must outlive the
  // service. `trust` says whose principal header to believe.
  DemoBaseServiceImpl(DemoBase& demobase, server::Executor& executor,
                      PrincipalTrust trust)
      : demobase_(demobase), executor_(executor), trust_(std::move(trust)) {}

  // Demonstration bases (bases.h).
  grpc::ServerUnaryReactor* CreateDemonstrationBase(
      grpc::CallbackServerContext* ctx,
      const v1::CreateDemonstrationBaseRequest* req,
      v1::DemonstrationBase* resp) override;
  grpc::ServerUnaryReactor* GetDemonstrationBase(
      grpc::CallbackServerContext* ctx,
      const v1::GetDemonstrationBaseRequest* req,
      v1::DemonstrationBase* resp) override;
  grpc::ServerUnaryReactor* ListDemonstrationBases(
      grpc::CallbackServerContext* ctx,
      const v1::ListDemonstrationBasesRequest* req,
      v1::ListDemonstrationBasesResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateDemonstrationBase(
      grpc::CallbackServerContext* ctx,
      const v1::UpdateDemonstrationBaseRequest* req,
      v1::DemonstrationBase* resp) override;
  grpc::ServerUnaryReactor* SuspendDemonstrationBase(
      grpc::CallbackServerContext* ctx,
      const v1::SuspendDemonstrationBaseRequest* req,
      v1::DemonstrationBase* resp) override;
  grpc::ServerUnaryReactor* ReinstateDemonstrationBase(
      grpc::CallbackServerContext* ctx,
      const v1::ReinstateDemonstrationBaseRequest* req,
      v1::DemonstrationBase* resp) override;
  grpc::ServerUnaryReactor* WithdrawDemonstrationBase(
      grpc::CallbackServerContext* ctx,
      const v1::WithdrawDemonstrationBaseRequest* req,
      v1::DemonstrationBase* resp) override;

  // Open events (events.h).
  grpc::ServerUnaryReactor* CreateOpenEvent(
      grpc::CallbackServerContext* ctx, const v1::CreateOpenEventRequest* req,
      v1::OpenEvent* resp) override;
  grpc::ServerUnaryReactor* GetOpenEvent(grpc::CallbackServerContext* ctx,
                                         const v1::GetOpenEventRequest* req,
                                         v1::OpenEvent* resp) override;
  grpc::ServerUnaryReactor* ListOpenEvents(
      grpc::CallbackServerContext* ctx, const v1::ListOpenEventsRequest* req,
      v1::ListOpenEventsResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateOpenEvent(
      grpc::CallbackServerContext* ctx, const v1::UpdateOpenEventRequest* req,
      v1::OpenEvent* resp) override;
  grpc::ServerUnaryReactor* CancelOpenEvent(
      grpc::CallbackServerContext* ctx, const v1::CancelOpenEventRequest* req,
      v1::OpenEvent* resp) override;
  grpc::ServerUnaryReactor* MarkOpenEventHeld(
      grpc::CallbackServerContext* ctx, const v1::MarkOpenEventHeldRequest* req,
      v1::OpenEvent* resp) override;

  // Registrations (registrations.h).
  grpc::ServerUnaryReactor* CreateRegistration(
      grpc::CallbackServerContext* ctx,
      const v1::CreateRegistrationRequest* req,
      v1::Registration* resp) override;
  grpc::ServerUnaryReactor* GetRegistration(
      grpc::CallbackServerContext* ctx, const v1::GetRegistrationRequest* req,
      v1::Registration* resp) override;
  grpc::ServerUnaryReactor* ListRegistrations(
      grpc::CallbackServerContext* ctx, const v1::ListRegistrationsRequest* req,
      v1::ListRegistrationsResponse* resp) override;
  grpc::ServerUnaryReactor* CancelRegistration(
      grpc::CallbackServerContext* ctx,
      const v1::CancelRegistrationRequest* req,
      v1::Registration* resp) override;
  grpc::ServerUnaryReactor* RecordAttendance(
      grpc::CallbackServerContext* ctx, const v1::RecordAttendanceRequest* req,
      v1::Registration* resp) override;

  // Compliance and statistics (compliance.h).
  grpc::ServerUnaryReactor* ListBaseCompliance(
      grpc::CallbackServerContext* ctx,
      const v1::ListBaseComplianceRequest* req,
      v1::ListBaseComplianceResponse* resp) override;
  grpc::ServerUnaryReactor* GetDemoBaseStatistics(
      grpc::CallbackServerContext* ctx,
      const v1::GetDemoBaseStatisticsRequest* req,
      v1::DemoBaseStatistics* resp) override;

  // Satisfaction surveys (surveys.h).
  grpc::ServerUnaryReactor* CreateSurveyRound(
      grpc::CallbackServerContext* ctx, const v1::CreateSurveyRoundRequest* req,
      v1::SurveyRound* resp) override;
  grpc::ServerUnaryReactor* GetSurveyRound(grpc::CallbackServerContext* ctx,
                                           const v1::GetSurveyRoundRequest* req,
                                           v1::SurveyRound* resp) override;
  grpc::ServerUnaryReactor* ListSurveyRounds(
      grpc::CallbackServerContext* ctx, const v1::ListSurveyRoundsRequest* req,
      v1::ListSurveyRoundsResponse* resp) override;
  grpc::ServerUnaryReactor* CompleteSurveyRound(
      grpc::CallbackServerContext* ctx,
      const v1::CompleteSurveyRoundRequest* req,
      v1::SurveyRound* resp) override;
  grpc::ServerUnaryReactor* BatchCreateSurveyScores(
      grpc::CallbackServerContext* ctx,
      const v1::BatchCreateSurveyScoresRequest* req,
      v1::BatchCreateSurveyScoresResponse* resp) override;
  grpc::ServerUnaryReactor* ListSurveyScores(
      grpc::CallbackServerContext* ctx, const v1::ListSurveyScoresRequest* req,
      v1::ListSurveyScoresResponse* resp) override;
  grpc::ServerUnaryReactor* CompareSurveyRounds(
      grpc::CallbackServerContext* ctx,
      const v1::CompareSurveyRoundsRequest* req,
      v1::CompareSurveyRoundsResponse* resp) override;

  // Demonstration projects (projects.h).
  grpc::ServerUnaryReactor* CreateDemonstrationProject(
      grpc::CallbackServerContext* ctx,
      const v1::CreateDemonstrationProjectRequest* req,
      v1::DemonstrationProject* resp) override;
  grpc::ServerUnaryReactor* GetDemonstrationProject(
      grpc::CallbackServerContext* ctx,
      const v1::GetDemonstrationProjectRequest* req,
      v1::DemonstrationProject* resp) override;
  grpc::ServerUnaryReactor* ListDemonstrationProjects(
      grpc::CallbackServerContext* ctx,
      const v1::ListDemonstrationProjectsRequest* req,
      v1::ListDemonstrationProjectsResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateDemonstrationProject(
      grpc::CallbackServerContext* ctx,
      const v1::UpdateDemonstrationProjectRequest* req,
      v1::DemonstrationProject* resp) override;
  grpc::ServerUnaryReactor* TransitionDemonstrationProject(
      grpc::CallbackServerContext* ctx,
      const v1::TransitionDemonstrationProjectRequest* req,
      v1::DemonstrationProject* resp) override;
  grpc::ServerUnaryReactor* AddProjectParticipant(
      grpc::CallbackServerContext* ctx,
      const v1::AddProjectParticipantRequest* req,
      v1::DemonstrationProject* resp) override;
  grpc::ServerUnaryReactor* RemoveProjectParticipant(
      grpc::CallbackServerContext* ctx,
      const v1::RemoveProjectParticipantRequest* req,
      v1::DemonstrationProject* resp) override;
  grpc::ServerUnaryReactor* CreateProjectMilestone(
      grpc::CallbackServerContext* ctx,
      const v1::CreateProjectMilestoneRequest* req,
      v1::ProjectMilestone* resp) override;
  grpc::ServerUnaryReactor* CompleteProjectMilestone(
      grpc::CallbackServerContext* ctx,
      const v1::CompleteProjectMilestoneRequest* req,
      v1::ProjectMilestone* resp) override;

 private:
  // The call's context for use cases that need it.
  RequestContext Call(const grpc::CallbackServerContext& ctx) const {
    return RequestContextFromServer(ctx, trust_);
  }

  DemoBase& demobase_;
  server::Executor& executor_;
  const PrincipalTrust trust_;
};

}  // namespace qpp::demobase
