#include "services/registry/src/registry_service.h"

#include "common/server/offload.h"
#include "common/status/grpc_status.h"
#include "common/status/status.h"

namespace qpp::registry {
namespace {

class ImportReactor final
    : public grpc::ServerReadReactor<v1::ImportOrganizationsRequest> {
 public:
  ImportReactor(grpc::CallbackServerContext* ctx, RequestContext call,
                OrganizationImport& import, server::Executor& executor,
                v1::ImportOrganizationsResponse* resp)
      : ctx_(ctx),
        call_(std::move(call)),
        import_(import),
        executor_(executor),
        resp_(resp) {
    StartRead(&chunk_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // client finished sending
      Finish(grpc::Status::OK);
      return;
    }
    const bool queued = executor_.TrySubmit([this] {
      if (ctx_->IsCancelled()) {
        Finish(grpc::Status::CANCELLED);
        return;
      }
      absl::Status s = import_.ImportChunk(call_, chunk_, next_index_, resp_);
      next_index_ += chunk_.organizations_size();
      if (!s.ok()) {
        Finish(status::ToGrpcStatus(s));
        return;
      }
      chunk_.Clear();
      StartRead(&chunk_);
    });
    if (!queued) {
      Finish(status::ToGrpcStatus(status::WithReason(
          absl::StatusCode::kUnavailable, "SERVER_OVERLOADED",
          "the server is overloaded; resume the import later")));
    }
  }

  void OnDone() override { delete this; }

 private:
  grpc::CallbackServerContext* ctx_;
  const RequestContext call_;
  OrganizationImport& import_;
  server::Executor& executor_;
  v1::ImportOrganizationsResponse* resp_;
  v1::ImportOrganizationsRequest chunk_;
  int next_index_ = 0;
};

}  // namespace

grpc::ServerUnaryReactor* RegistryServiceImpl::GetOrganization(
    grpc::CallbackServerContext* ctx, const v1::GetOrganizationRequest* req,
    v1::Organization* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return registry_.organizations().GetOrganization(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::BatchGetOrganizations(
    grpc::CallbackServerContext* ctx,
    const v1::BatchGetOrganizationsRequest* req,
    v1::BatchGetOrganizationsResponse* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return registry_.organizations().BatchGetOrganizations(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListOrganizations(
    grpc::CallbackServerContext* ctx, const v1::ListOrganizationsRequest* req,
    v1::ListOrganizationsResponse* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return registry_.organizations().ListOrganizations(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListOrganizationChanges(
    grpc::CallbackServerContext* ctx,
    const v1::ListOrganizationChangesRequest* req,
    v1::ListOrganizationChangesResponse* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return registry_.organization_changes().ListOrganizationChanges(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::CreateOrganization(
    grpc::CallbackServerContext* ctx, const v1::CreateOrganizationRequest* req,
    v1::Organization* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return registry_.organizations().CreateOrganization(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UpdateOrganization(
    grpc::CallbackServerContext* ctx, const v1::UpdateOrganizationRequest* req,
    v1::Organization* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return registry_.organizations().UpdateOrganization(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::DeleteOrganization(
    grpc::CallbackServerContext* ctx, const v1::DeleteOrganizationRequest* req,
    v1::Organization* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return registry_.organizations().DeleteOrganization(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UndeleteOrganization(
    grpc::CallbackServerContext* ctx,
    const v1::UndeleteOrganizationRequest* req, v1::Organization* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return registry_.organizations().UndeleteOrganization(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::SetAdoptionStatus(
    grpc::CallbackServerContext* ctx, const v1::SetAdoptionStatusRequest* req,
    v1::Organization* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return registry_.organizations().SetAdoptionStatus(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::BatchCreateOrganizations(
    grpc::CallbackServerContext* ctx,
    const v1::BatchCreateOrganizationsRequest* req,
    v1::BatchCreateOrganizationsResponse* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return registry_.organization_import().BatchCreateOrganizations(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::CreateAwardRecord(
    grpc::CallbackServerContext* ctx, const v1::CreateAwardRecordRequest* req,
    v1::AwardRecord* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return registry_.awards().CreateAwardRecord(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListAwardRecords(
    grpc::CallbackServerContext* ctx, const v1::ListAwardRecordsRequest* req,
    v1::ListAwardRecordsResponse* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return registry_.awards().ListAwardRecords(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::DeleteAwardRecord(
    grpc::CallbackServerContext* ctx, const v1::DeleteAwardRecordRequest* req,
    v1::DeleteAwardRecordResponse* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return registry_.awards().DeleteAwardRecord(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::GetScoreSheet(
    grpc::CallbackServerContext* ctx, const v1::GetScoreSheetRequest* req,
    v1::ScoreSheet* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return registry_.assessments().GetScoreSheet(*req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::CreateSelfAssessment(
    grpc::CallbackServerContext* ctx,
    const v1::CreateSelfAssessmentRequest* req, v1::SelfAssessment* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return registry_.assessments().CreateSelfAssessment(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::GetSelfAssessment(
    grpc::CallbackServerContext* ctx, const v1::GetSelfAssessmentRequest* req,
    v1::SelfAssessment* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return registry_.assessments().GetSelfAssessment(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListSelfAssessments(
    grpc::CallbackServerContext* ctx, const v1::ListSelfAssessmentsRequest* req,
    v1::ListSelfAssessmentsResponse* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return registry_.assessments().ListSelfAssessments(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::CreateBenchmarkDesignation(
    grpc::CallbackServerContext* ctx,
    const v1::CreateBenchmarkDesignationRequest* req,
    v1::BenchmarkDesignation* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return registry_.benchmarks().CreateBenchmarkDesignation(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListBenchmarkDesignations(
    grpc::CallbackServerContext* ctx,
    const v1::ListBenchmarkDesignationsRequest* req,
    v1::ListBenchmarkDesignationsResponse* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return registry_.benchmarks().ListBenchmarkDesignations(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::DeleteBenchmarkDesignation(
    grpc::CallbackServerContext* ctx,
    const v1::DeleteBenchmarkDesignationRequest* req,
    v1::DeleteBenchmarkDesignationResponse* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return registry_.benchmarks().DeleteBenchmarkDesignation(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::CreatePartnership(
    grpc::CallbackServerContext* ctx, const v1::CreatePartnershipRequest* req,
    v1::Partnership* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return registry_.partnerships().CreatePartnership(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::GetPartnership(
    grpc::CallbackServerContext* ctx, const v1::GetPartnershipRequest* req,
    v1::Partnership* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return registry_.partnerships().GetPartnership(*req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListPartnerships(
    grpc::CallbackServerContext* ctx, const v1::ListPartnershipsRequest* req,
    v1::ListPartnershipsResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return registry_.partnerships().ListPartnerships(*req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UpdatePartnership(
    grpc::CallbackServerContext* ctx, const v1::UpdatePartnershipRequest* req,
    v1::Partnership* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return registry_.partnerships().UpdatePartnership(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::DeletePartnership(
    grpc::CallbackServerContext* ctx, const v1::DeletePartnershipRequest* req,
    v1::DeletePartnershipResponse* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return registry_.partnerships().DeletePartnership(
        RequestContextFromServer(*ctx, trust_), *req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::GetTargetCounts(
    grpc::CallbackServerContext* ctx, const v1::GetTargetCountsRequest* req,
    v1::TargetCounts* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return registry_.target_counts().GetTargetCounts(*req, resp);
  });
}

grpc::ServerReadReactor<v1::ImportOrganizationsRequest>*
RegistryServiceImpl::ImportOrganizations(
    grpc::CallbackServerContext* ctx, v1::ImportOrganizationsResponse* resp) {
  return new ImportReactor(ctx, RequestContextFromServer(*ctx, trust_),
                           registry_.organization_import(), executor_, resp);
}

grpc::ServerUnaryReactor* RegistryServiceImpl::RevealContacts(
    grpc::CallbackServerContext* ctx, const v1::RevealContactsRequest* req,
    v1::RevealContactsResponse* resp) {
  RequestContext call = RequestContextFromServer(*ctx, trust_);
  return server::Offload(ctx, executor_, [this, call, req, resp] {
    return registry_.contact_privacy().RevealContacts(call, *req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::CorrectSelfAssessment(
    grpc::CallbackServerContext* ctx,
    const v1::CorrectSelfAssessmentRequest* req, v1::SelfAssessment* resp) {
  RequestContext call = RequestContextFromServer(*ctx, trust_);
  return server::Offload(ctx, executor_, [this, call, req, resp] {
    return registry_.assessments().CorrectSelfAssessment(call, *req, resp);
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::WithdrawSelfAssessment(
    grpc::CallbackServerContext* ctx,
    const v1::WithdrawSelfAssessmentRequest* req, v1::SelfAssessment* resp) {
  RequestContext call = RequestContextFromServer(*ctx, trust_);
  return server::Offload(ctx, executor_, [this, call, req, resp] {
    return registry_.assessments().WithdrawSelfAssessment(call, *req, resp);
  });
}

}  // namespace qpp::registry
