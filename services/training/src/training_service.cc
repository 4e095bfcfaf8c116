#include "services/training/src/training_service.h"

#include "common/server/offload.h"

namespace qpp::training {

grpc::ServerUnaryReactor* TrainingServiceImpl::CreateCourse(
    grpc::CallbackServerContext* ctx, const v1::CreateCourseRequest* req,
    v1::Course* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.courses().CreateCourse(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::GetCourse(
    grpc::CallbackServerContext* ctx, const v1::GetCourseRequest* req,
    v1::Course* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.courses().GetCourse(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::ListCourses(
    grpc::CallbackServerContext* ctx, const v1::ListCoursesRequest* req,
    v1::ListCoursesResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.courses().ListCourses(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::UpdateCourse(
    grpc::CallbackServerContext* ctx, const v1::UpdateCourseRequest* req,
    v1::Course* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.courses().UpdateCourse(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::DeleteCourse(
    grpc::CallbackServerContext* ctx, const v1::DeleteCourseRequest* req,
    v1::DeleteCourseResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.courses().DeleteCourse(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::CreateSession(
    grpc::CallbackServerContext* ctx, const v1::CreateSessionRequest* req,
    v1::Session* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return training_.sessions().CreateSession(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::GetSession(
    grpc::CallbackServerContext* ctx, const v1::GetSessionRequest* req,
    v1::Session* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.sessions().GetSession(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::ListSessions(
    grpc::CallbackServerContext* ctx, const v1::ListSessionsRequest* req,
    v1::ListSessionsResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.sessions().ListSessions(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::UpdateSession(
    grpc::CallbackServerContext* ctx, const v1::UpdateSessionRequest* req,
    v1::Session* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return training_.sessions().UpdateSession(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::DeleteSession(
    grpc::CallbackServerContext* ctx, const v1::DeleteSessionRequest* req,
    v1::DeleteSessionResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.sessions().DeleteSession(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::CreateTrainee(
    grpc::CallbackServerContext* ctx, const v1::CreateTraineeRequest* req,
    v1::Trainee* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return training_.trainees().CreateTrainee(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::GetTrainee(
    grpc::CallbackServerContext* ctx, const v1::GetTraineeRequest* req,
    v1::Trainee* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.trainees().GetTrainee(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::ListTrainees(
    grpc::CallbackServerContext* ctx, const v1::ListTraineesRequest* req,
    v1::ListTraineesResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.trainees().ListTrainees(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::LookupTrainee(
    grpc::CallbackServerContext* ctx, const v1::LookupTraineeRequest* req,
    v1::Trainee* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.trainees().LookupTrainee(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::UpdateTrainee(
    grpc::CallbackServerContext* ctx, const v1::UpdateTraineeRequest* req,
    v1::Trainee* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return training_.trainees().UpdateTrainee(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::DeleteTrainee(
    grpc::CallbackServerContext* ctx, const v1::DeleteTraineeRequest* req,
    v1::DeleteTraineeResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.trainees().DeleteTrainee(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::CreateRegistration(
    grpc::CallbackServerContext* ctx, const v1::CreateRegistrationRequest* req,
    v1::Registration* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.registrations().CreateRegistration(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::GetRegistration(
    grpc::CallbackServerContext* ctx, const v1::GetRegistrationRequest* req,
    v1::Registration* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.registrations().GetRegistration(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::ListRegistrations(
    grpc::CallbackServerContext* ctx, const v1::ListRegistrationsRequest* req,
    v1::ListRegistrationsResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.registrations().ListRegistrations(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::CancelRegistration(
    grpc::CallbackServerContext* ctx, const v1::CancelRegistrationRequest* req,
    v1::Registration* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.registrations().CancelRegistration(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::RecordAttendance(
    grpc::CallbackServerContext* ctx, const v1::RecordAttendanceRequest* req,
    v1::Registration* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.registrations().RecordAttendance(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::IssueCertificate(
    grpc::CallbackServerContext* ctx, const v1::IssueCertificateRequest* req,
    v1::Certificate* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.certificates().IssueCertificate(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::RecognizeCertificate(
    grpc::CallbackServerContext* ctx,
    const v1::RecognizeCertificateRequest* req, v1::Certificate* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.certificates().RecognizeCertificate(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::GetCertificate(
    grpc::CallbackServerContext* ctx, const v1::GetCertificateRequest* req,
    v1::Certificate* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.certificates().GetCertificate(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::RevokeCertificate(
    grpc::CallbackServerContext* ctx, const v1::RevokeCertificateRequest* req,
    v1::Certificate* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return training_.certificates().RevokeCertificate(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::ReinstateCertificate(
    grpc::CallbackServerContext* ctx,
    const v1::ReinstateCertificateRequest* req, v1::Certificate* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.certificates().ReinstateCertificate(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::VerifyCertificate(
    grpc::CallbackServerContext* ctx, const v1::VerifyCertificateRequest* req,
    v1::VerifyCertificateResponse* resp) {
  // Answered from the writer of the verification record once the attempt is
  // committed, so neither this thread nor an executor thread waits for it.
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  auto finish = [reactor](absl::Status status) {
    reactor->Finish(status::ToGrpcStatus(status));
  };
  if (training_.certificates().TryVerifyCached(*req, resp, finish)) {
    return reactor;
  }
  server::OffloadAsync(ctx, reactor, executor_,
                       [this, req, resp, finish]() mutable {
                         training_.certificates().VerifyCertificate(
                             *req, resp, std::move(finish));
                       });
  return reactor;
}

grpc::ServerUnaryReactor* TrainingServiceImpl::CheckCertificate(
    grpc::CallbackServerContext* ctx, const v1::CheckCertificateRequest* req,
    v1::CheckCertificateResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.certificates().CheckCertificate(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::BatchRecordAttendance(
    grpc::CallbackServerContext* ctx,
    const v1::BatchRecordAttendanceRequest* req,
    v1::BatchRecordAttendanceResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.registrations().BatchRecordAttendance(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::ListCertificates(
    grpc::CallbackServerContext* ctx, const v1::ListCertificatesRequest* req,
    v1::ListCertificatesResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.certificates().ListCertificates(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::CreateAppointment(
    grpc::CallbackServerContext* ctx, const v1::CreateAppointmentRequest* req,
    v1::Appointment* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return training_.appointments().CreateAppointment(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::ListAppointments(
    grpc::CallbackServerContext* ctx, const v1::ListAppointmentsRequest* req,
    v1::ListAppointmentsResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.appointments().ListAppointments(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::GetTrainingStatistics(
    grpc::CallbackServerContext* ctx,
    const v1::GetTrainingStatisticsRequest* req, v1::TrainingStatistics* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.statistics().GetTrainingStatistics(*req, resp);
  });
}

grpc::ServerUnaryReactor* TrainingServiceImpl::CountAttendedStaff(
    grpc::CallbackServerContext* ctx, const v1::CountAttendedStaffRequest* req,
    v1::CountAttendedStaffResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return training_.statistics().CountAttendedStaff(*req, resp);
  });
}

}  // namespace qpp::training
