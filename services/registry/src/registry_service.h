#pragma once

// The gRPC surface of the registry: each handler returns at once and runs
// the use case (registry.h) on the bounded executor, converting its status
// with google.rpc details. No SQL and no domain rules here.

#include "common/server/executor.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "services/registry/src/registry.h"

namespace qpp::registry {

class RegistryServiceImpl final : public v1::RegistryService::CallbackService {
 public:
  // Neither argument is owned; both must outlive the service.
  RegistryServiceImpl(Registry& registry, server::Executor& executor)
      : registry_(registry), executor_(executor) {}

#define QPP_REGISTRY_UNARY(Method, Request, Response)                          \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* ctx,           \
                                   const v1::Request* req, v1::Response* resp) \
      override;
  QPP_REGISTRY_UNARY(GetOrganization, GetOrganizationRequest, Organization)
  QPP_REGISTRY_UNARY(ListOrganizations, ListOrganizationsRequest,
                     ListOrganizationsResponse)
  QPP_REGISTRY_UNARY(CreateOrganization, CreateOrganizationRequest,
                     Organization)
  QPP_REGISTRY_UNARY(UpdateOrganization, UpdateOrganizationRequest,
                     Organization)
  QPP_REGISTRY_UNARY(DeleteOrganization, DeleteOrganizationRequest,
                     Organization)
  QPP_REGISTRY_UNARY(UndeleteOrganization, UndeleteOrganizationRequest,
                     Organization)
  QPP_REGISTRY_UNARY(SetAdoptionStatus, SetAdoptionStatusRequest, Organization)
  QPP_REGISTRY_UNARY(BatchCreateOrganizations, BatchCreateOrganizationsRequest,
                     BatchCreateOrganizationsResponse)
  QPP_REGISTRY_UNARY(CreateAwardRecord, CreateAwardRecordRequest, AwardRecord)
  QPP_REGISTRY_UNARY(ListAwardRecords, ListAwardRecordsRequest,
                     ListAwardRecordsResponse)
  QPP_REGISTRY_UNARY(DeleteAwardRecord, DeleteAwardRecordRequest,
                     DeleteAwardRecordResponse)
  QPP_REGISTRY_UNARY(GetScoreSheet, GetScoreSheetRequest, ScoreSheet)
  QPP_REGISTRY_UNARY(CreateSelfAssessment, CreateSelfAssessmentRequest,
                     SelfAssessment)
  QPP_REGISTRY_UNARY(GetSelfAssessment, GetSelfAssessmentRequest,
                     SelfAssessment)
  QPP_REGISTRY_UNARY(ListSelfAssessments, ListSelfAssessmentsRequest,
                     ListSelfAssessmentsResponse)
  QPP_REGISTRY_UNARY(CreateBenchmarkDesignation,
                     CreateBenchmarkDesignationRequest, BenchmarkDesignation)
  QPP_REGISTRY_UNARY(ListBenchmarkDesignations,
                     ListBenchmarkDesignationsRequest,
                     ListBenchmarkDesignationsResponse)
  QPP_REGISTRY_UNARY(DeleteBenchmarkDesignation,
                     DeleteBenchmarkDesignationRequest,
                     DeleteBenchmarkDesignationResponse)
  QPP_REGISTRY_UNARY(CreatePartnership, CreatePartnershipRequest, Partnership)
  QPP_REGISTRY_UNARY(GetPartnership, GetPartnershipRequest, Partnership)
  QPP_REGISTRY_UNARY(ListPartnerships, ListPartnershipsRequest,
                     ListPartnershipsResponse)
  QPP_REGISTRY_UNARY(UpdatePartnership, UpdatePartnershipRequest, Partnership)
  QPP_REGISTRY_UNARY(DeletePartnership, DeletePartnershipRequest,
                     DeletePartnershipResponse)
  QPP_REGISTRY_UNARY(GetTargetCounts, GetTargetCountsRequest, TargetCounts)
#undef QPP_REGISTRY_UNARY

  // Reads one chunk at a time and processes it on the executor before
  // reading the next, so a fast client cannot queue unbounded work.
  grpc::ServerReadReactor<v1::ImportOrganizationsRequest>* ImportOrganizations(
      grpc::CallbackServerContext* ctx,
      v1::ImportOrganizationsResponse* resp) override;

 private:
  Registry& registry_;
  server::Executor& executor_;
};

}  // namespace qpp::registry
