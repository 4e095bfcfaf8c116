#pragma once

// The gRPC surface of the registry: every method hands its call to the
// bounded executor at once and there runs the use case of its resource
// (registry.h) with the call's context (RequestContextFromServer: the
// principal, and the district it is confined to), converting the
// absl::Status it returns, with its google.rpc details, into the call's
// status. No SQL and no domain rules
// here: the use cases validate requests before any I/O.
//
// Besides the statuses of the use cases, any method may answer UNAVAILABLE
// (SERVER_OVERLOADED) when the executor's queue is full, CANCELLED or
// DEADLINE_EXCEEDED for a call that ended while it was queued.

#include "common/context/grpc_request_context.h"
#include "common/server/executor.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "services/registry/src/registry.h"

namespace qpp::registry {

class RegistryServiceImpl final : public v1::RegistryService::CallbackService {
 public:
  // Neither `registry` nor `executor` is owned; both must outlive the
  // service. `trust` says whose principal header (and the role and district
  // beside it) to believe; the use cases confine district offices by it.
  RegistryServiceImpl(Registry& registry, server::Executor& executor,
                      PrincipalTrust trust = {})
      : registry_(registry), executor_(executor), trust_(std::move(trust)) {}

  // Organisations (organizations.h).
  grpc::ServerUnaryReactor* GetOrganization(
      grpc::CallbackServerContext* ctx, const v1::GetOrganizationRequest* req,
      v1::Organization* resp) override;
  grpc::ServerUnaryReactor* BatchGetOrganizations(
      grpc::CallbackServerContext* ctx,
      const v1::BatchGetOrganizationsRequest* req,
      v1::BatchGetOrganizationsResponse* resp) override;
  grpc::ServerUnaryReactor* ListOrganizations(
      grpc::CallbackServerContext* ctx, const v1::ListOrganizationsRequest* req,
      v1::ListOrganizationsResponse* resp) override;
  grpc::ServerUnaryReactor* ListOrganizationChanges(
      grpc::CallbackServerContext* ctx,
      const v1::ListOrganizationChangesRequest* req,
      v1::ListOrganizationChangesResponse* resp) override;
  grpc::ServerUnaryReactor* CreateOrganization(
      grpc::CallbackServerContext* ctx,
      const v1::CreateOrganizationRequest* req,
      v1::Organization* resp) override;
  grpc::ServerUnaryReactor* UpdateOrganization(
      grpc::CallbackServerContext* ctx,
      const v1::UpdateOrganizationRequest* req,
      v1::Organization* resp) override;
  grpc::ServerUnaryReactor* DeleteOrganization(
      grpc::CallbackServerContext* ctx,
      const v1::DeleteOrganizationRequest* req,
      v1::Organization* resp) override;
  grpc::ServerUnaryReactor* UndeleteOrganization(
      grpc::CallbackServerContext* ctx,
      const v1::UndeleteOrganizationRequest* req,
      v1::Organization* resp) override;
  grpc::ServerUnaryReactor* SetAdoptionStatus(
      grpc::CallbackServerContext* ctx, const v1::SetAdoptionStatusRequest* req,
      v1::Organization* resp) override;

  // Contacts in clear, audited (contact_privacy.h).
  grpc::ServerUnaryReactor* RevealContacts(
      grpc::CallbackServerContext* ctx, const v1::RevealContactsRequest* req,
      v1::RevealContactsResponse* resp) override;

  // Many organisations at once (organization_import.h); ImportOrganizations
  // is the client stream below.
  grpc::ServerUnaryReactor* BatchCreateOrganizations(
      grpc::CallbackServerContext* ctx,
      const v1::BatchCreateOrganizationsRequest* req,
      v1::BatchCreateOrganizationsResponse* resp) override;

  // Award records (awards.h).
  grpc::ServerUnaryReactor* CreateAwardRecord(
      grpc::CallbackServerContext* ctx, const v1::CreateAwardRecordRequest* req,
      v1::AwardRecord* resp) override;
  grpc::ServerUnaryReactor* ListAwardRecords(
      grpc::CallbackServerContext* ctx, const v1::ListAwardRecordsRequest* req,
      v1::ListAwardRecordsResponse* resp) override;
  grpc::ServerUnaryReactor* DeleteAwardRecord(
      grpc::CallbackServerContext* ctx, const v1::DeleteAwardRecordRequest* req,
      v1::DeleteAwardRecordResponse* resp) override;

  // Score sheets and self-assessments (assessments.h).
  grpc::ServerUnaryReactor* GetScoreSheet(grpc::CallbackServerContext* ctx,
                                          const v1::GetScoreSheetRequest* req,
                                          v1::ScoreSheet* resp) override;
  grpc::ServerUnaryReactor* CreateSelfAssessment(
      grpc::CallbackServerContext* ctx,
      const v1::CreateSelfAssessmentRequest* req,
      v1::SelfAssessment* resp) override;
  grpc::ServerUnaryReactor* GetSelfAssessment(
      grpc::CallbackServerContext* ctx, const v1::GetSelfAssessmentRequest* req,
      v1::SelfAssessment* resp) override;
  grpc::ServerUnaryReactor* ListSelfAssessments(
      grpc::CallbackServerContext* ctx,
      const v1::ListSelfAssessmentsRequest* req,
      v1::ListSelfAssessmentsResponse* resp) override;
  grpc::ServerUnaryReactor* CorrectSelfAssessment(
      grpc::CallbackServerContext* ctx,
      const v1::CorrectSelfAssessmentRequest* req,
      v1::SelfAssessment* resp) override;
  grpc::ServerUnaryReactor* WithdrawSelfAssessment(
      grpc::CallbackServerContext* ctx,
      const v1::WithdrawSelfAssessmentRequest* req,
      v1::SelfAssessment* resp) override;

  // Benchmark designations (benchmarks.h).
  grpc::ServerUnaryReactor* CreateBenchmarkDesignation(
      grpc::CallbackServerContext* ctx,
      const v1::CreateBenchmarkDesignationRequest* req,
      v1::BenchmarkDesignation* resp) override;
  grpc::ServerUnaryReactor* ListBenchmarkDesignations(
      grpc::CallbackServerContext* ctx,
      const v1::ListBenchmarkDesignationsRequest* req,
      v1::ListBenchmarkDesignationsResponse* resp) override;
  grpc::ServerUnaryReactor* DeleteBenchmarkDesignation(
      grpc::CallbackServerContext* ctx,
      const v1::DeleteBenchmarkDesignationRequest* req,
      v1::DeleteBenchmarkDesignationResponse* resp) override;

  // Partnerships (partnerships.h).
  grpc::ServerUnaryReactor* CreatePartnership(
      grpc::CallbackServerContext* ctx, const v1::CreatePartnershipRequest* req,
      v1::Partnership* resp) override;
  grpc::ServerUnaryReactor* GetPartnership(grpc::CallbackServerContext* ctx,
                                           const v1::GetPartnershipRequest* req,
                                           v1::Partnership* resp) override;
  grpc::ServerUnaryReactor* ListPartnerships(
      grpc::CallbackServerContext* ctx, const v1::ListPartnershipsRequest* req,
      v1::ListPartnershipsResponse* resp) override;
  grpc::ServerUnaryReactor* UpdatePartnership(
      grpc::CallbackServerContext* ctx, const v1::UpdatePartnershipRequest* req,
      v1::Partnership* resp) override;
  grpc::ServerUnaryReactor* DeletePartnership(
      grpc::CallbackServerContext* ctx, const v1::DeletePartnershipRequest* req,
      v1::DeletePartnershipResponse* resp) override;

  // Target counts (target_counts.h).
  grpc::ServerUnaryReactor* GetTargetCounts(
      grpc::CallbackServerContext* ctx, const v1::GetTargetCountsRequest* req,
      v1::TargetCounts* resp) override;

  // Reads one chunk at a time and processes it on the executor before
  // reading the next, so a fast client cannot queue unbounded work.
  grpc::ServerReadReactor<v1::ImportOrganizationsRequest>* ImportOrganizations(
      grpc::CallbackServerContext* ctx,
      v1::ImportOrganizationsResponse* resp) override;

 private:
  Registry& registry_;
  server::Executor& executor_;
  const PrincipalTrust trust_;
};

}  // namespace qpp::registry
