#pragma once

// The gRPC surface of training: every method hands its call to the bounded
// executor at once and there runs the use case of its resource
// (training.h), converting the absl::Status it returns, with its
// google.rpc details, into the call's status. No SQL and no domain rules
// here: the use cases validate requests before any I/O. Methods that call
// the registry pass it the call's context (deadline, request id, principal)
// taken from the server context with RequestContextFromServer.
//
// Besides the statuses of the use cases, any method may answer UNAVAILABLE
// (SERVER_OVERLOADED) when the executor's queue is full, CANCELLED or
// DEADLINE_EXCEEDED for a call that ended while it was queued.

#include "common/context/grpc_request_context.h"
#include "common/server/executor.h"
#include "qpp/training/v1/training_service.grpc.pb.h"
#include "services/training/src/training.h"

namespace qpp::training {

class TrainingServiceImpl final : public v1::TrainingService::CallbackService {
 public:
  // Neither `training` nor `executor` is owned; both must outlive the
  // service. `trust` says whose principal header to believe.
  TrainingServiceImpl(Training& training, server::Executor& executor,
                      PrincipalTrust trust)
      : training_(training), executor_(executor), trust_(std::move(trust)) {}

  // Courses (courses.h).
  grpc::ServerUnaryReactor* CreateCourse(grpc::CallbackServerContext* ctx,
                                         const v1::CreateCourseRequest* req,
                                         v1::Course* resp) override;
  grpc::ServerUnaryReactor* GetCourse(grpc::CallbackServerContext* ctx,
                                      const v1::GetCourseRequest* req,
                                      v1::Course* resp) override;
  grpc::ServerUnaryReactor* ListCourses(grpc::CallbackServerContext* ctx,
                                        const v1::ListCoursesRequest* req,
                                        v1::ListCoursesResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateCourse(grpc::CallbackServerContext* ctx,
                                         const v1::UpdateCourseRequest* req,
                                         v1::Course* resp) override;
  grpc::ServerUnaryReactor* DeleteCourse(
      grpc::CallbackServerContext* ctx, const v1::DeleteCourseRequest* req,
      v1::DeleteCourseResponse* resp) override;

  // Sessions (sessions.h).
  grpc::ServerUnaryReactor* CreateSession(grpc::CallbackServerContext* ctx,
                                          const v1::CreateSessionRequest* req,
                                          v1::Session* resp) override;
  grpc::ServerUnaryReactor* GetSession(grpc::CallbackServerContext* ctx,
                                       const v1::GetSessionRequest* req,
                                       v1::Session* resp) override;
  grpc::ServerUnaryReactor* ListSessions(
      grpc::CallbackServerContext* ctx, const v1::ListSessionsRequest* req,
      v1::ListSessionsResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateSession(grpc::CallbackServerContext* ctx,
                                          const v1::UpdateSessionRequest* req,
                                          v1::Session* resp) override;
  grpc::ServerUnaryReactor* DeleteSession(
      grpc::CallbackServerContext* ctx, const v1::DeleteSessionRequest* req,
      v1::DeleteSessionResponse* resp) override;

  // Trainees (trainees.h).
  grpc::ServerUnaryReactor* CreateTrainee(grpc::CallbackServerContext* ctx,
                                          const v1::CreateTraineeRequest* req,
                                          v1::Trainee* resp) override;
  grpc::ServerUnaryReactor* GetTrainee(grpc::CallbackServerContext* ctx,
                                       const v1::GetTraineeRequest* req,
                                       v1::Trainee* resp) override;
  grpc::ServerUnaryReactor* ListTrainees(
      grpc::CallbackServerContext* ctx, const v1::ListTraineesRequest* req,
      v1::ListTraineesResponse* resp) override;
  grpc::ServerUnaryReactor* LookupTrainee(grpc::CallbackServerContext* ctx,
                                          const v1::LookupTraineeRequest* req,
                                          v1::Trainee* resp) override;
  grpc::ServerUnaryReactor* UpdateTrainee(grpc::CallbackServerContext* ctx,
                                          const v1::UpdateTraineeRequest* req,
                                          v1::Trainee* resp) override;
  grpc::ServerUnaryReactor* DeleteTrainee(
      grpc::CallbackServerContext* ctx, const v1::DeleteTraineeRequest* req,
      v1::DeleteTraineeResponse* resp) override;

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
  grpc::ServerUnaryReactor* BatchRecordAttendance(
      grpc::CallbackServerContext* ctx,
      const v1::BatchRecordAttendanceRequest* req,
      v1::BatchRecordAttendanceResponse* resp) override;

  // Certificates (certificates.h).
  grpc::ServerUnaryReactor* IssueCertificate(
      grpc::CallbackServerContext* ctx, const v1::IssueCertificateRequest* req,
      v1::Certificate* resp) override;
  grpc::ServerUnaryReactor* RecognizeCertificate(
      grpc::CallbackServerContext* ctx,
      const v1::RecognizeCertificateRequest* req,
      v1::Certificate* resp) override;
  grpc::ServerUnaryReactor* GetCertificate(grpc::CallbackServerContext* ctx,
                                           const v1::GetCertificateRequest* req,
                                           v1::Certificate* resp) override;
  grpc::ServerUnaryReactor* ListCertificates(
      grpc::CallbackServerContext* ctx, const v1::ListCertificatesRequest* req,
      v1::ListCertificatesResponse* resp) override;
  grpc::ServerUnaryReactor* RevokeCertificate(
      grpc::CallbackServerContext* ctx, const v1::RevokeCertificateRequest* req,
      v1::Certificate* resp) override;
  grpc::ServerUnaryReactor* ReinstateCertificate(
      grpc::CallbackServerContext* ctx,
      const v1::ReinstateCertificateRequest* req,
      v1::Certificate* resp) override;
  grpc::ServerUnaryReactor* VerifyCertificate(
      grpc::CallbackServerContext* ctx, const v1::VerifyCertificateRequest* req,
      v1::VerifyCertificateResponse* resp) override;
  grpc::ServerUnaryReactor* CheckCertificate(
      grpc::CallbackServerContext* ctx, const v1::CheckCertificateRequest* req,
      v1::CheckCertificateResponse* resp) override;

  // Appointments (appointments.h).
  grpc::ServerUnaryReactor* CreateAppointment(
      grpc::CallbackServerContext* ctx, const v1::CreateAppointmentRequest* req,
      v1::Appointment* resp) override;
  grpc::ServerUnaryReactor* ListAppointments(
      grpc::CallbackServerContext* ctx, const v1::ListAppointmentsRequest* req,
      v1::ListAppointmentsResponse* resp) override;

  // Statistics (statistics.h).
  grpc::ServerUnaryReactor* GetTrainingStatistics(
      grpc::CallbackServerContext* ctx,
      const v1::GetTrainingStatisticsRequest* req,
      v1::TrainingStatistics* resp) override;
  grpc::ServerUnaryReactor* CountAttendedStaff(
      grpc::CallbackServerContext* ctx,
      const v1::CountAttendedStaffRequest* req,
      v1::CountAttendedStaffResponse* resp) override;

 private:
  Training& training_;
  server::Executor& executor_;
  const PrincipalTrust trust_;
};

}  // namespace qpp::training
