#pragma once

// The gRPC surface of the registry: each handler returns at once and runs
// the use case (registry.h) on the bounded executor, converting its status
// with google.rpc details. No SQL and no domain rules here.

#include "common/server/executor.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "services/registry/src/registry.h"

// The unary methods: X(Method, RequestMessage, ResponseMessage), listed once
// for the declarations here and the definitions in registry_service.cc.
#define QPP_REGISTRY_UNARY_METHODS(X)                                       \
  X(GetOrganization, GetOrganizationRequest, Organization)                  \
  X(ListOrganizations, ListOrganizationsRequest, ListOrganizationsResponse) \
  X(CreateOrganization, CreateOrganizationRequest, Organization)            \
  X(UpdateOrganization, UpdateOrganizationRequest, Organization)            \
  X(DeleteOrganization, DeleteOrganizationRequest, Organization)            \
  X(UndeleteOrganization, UndeleteOrganizationRequest, Organization)        \
  X(SetAdoptionStatus, SetAdoptionStatusRequest, Organization)              \
  X(BatchCreateOrganizations, BatchCreateOrganizationsRequest,              \
    BatchCreateOrganizationsResponse)                                       \
  X(CreateAwardRecord, CreateAwardRecordRequest, AwardRecord)               \
  X(ListAwardRecords, ListAwardRecordsRequest, ListAwardRecordsResponse)    \
  X(DeleteAwardRecord, DeleteAwardRecordRequest, DeleteAwardRecordResponse) \
  X(GetScoreSheet, GetScoreSheetRequest, ScoreSheet)                        \
  X(CreateSelfAssessment, CreateSelfAssessmentRequest, SelfAssessment)      \
  X(GetSelfAssessment, GetSelfAssessmentRequest, SelfAssessment)            \
  X(ListSelfAssessments, ListSelfAssessmentsRequest,                        \
    ListSelfAssessmentsResponse)                                            \
  X(CreateBenchmarkDesignation, CreateBenchmarkDesignationRequest,          \
    BenchmarkDesignation)                                                   \
  X(ListBenchmarkDesignations, ListBenchmarkDesignationsRequest,            \
    ListBenchmarkDesignationsResponse)                                      \
  X(DeleteBenchmarkDesignation, DeleteBenchmarkDesignationRequest,          \
    DeleteBenchmarkDesignationResponse)                                     \
  X(CreatePartnership, CreatePartnershipRequest, Partnership)               \
  X(GetPartnership, GetPartnershipRequest, Partnership)                     \
  X(ListPartnerships, ListPartnershipsRequest, ListPartnershipsResponse)    \
  X(UpdatePartnership, UpdatePartnershipRequest, Partnership)               \
  X(DeletePartnership, DeletePartnershipRequest, DeletePartnershipResponse) \
  X(GetTargetCounts, GetTargetCountsRequest, TargetCounts)

namespace qpp::registry {

class RegistryServiceImpl final : public v1::RegistryService::CallbackService {
 public:
  // Neither argument is owned; both must outlive the service.
  RegistryServiceImpl(Registry& registry, server::Executor& executor)
      : registry_(registry), executor_(executor) {}

#define QPP_REGISTRY_DECLARE_UNARY(Method, Request, Response)                  \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* ctx,           \
                                   const v1::Request* req, v1::Response* resp) \
      override;
  QPP_REGISTRY_UNARY_METHODS(QPP_REGISTRY_DECLARE_UNARY)
#undef QPP_REGISTRY_DECLARE_UNARY

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
