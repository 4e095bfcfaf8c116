#include "services/cultivation/funding/src/funding_service.h"

#include "common/server/offload.h"

namespace qpp::funding {

grpc::ServerUnaryReactor* FundingServiceImpl::CreateFundingScheme(
    grpc::CallbackServerContext* ctx, const v1::CreateFundingSchemeRequest* req,
    v1::FundingScheme* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return funding_.CreateFundingScheme(*req, resp);
  });
}

grpc::ServerUnaryReactor* FundingServiceImpl::GetFundingScheme(
    grpc::CallbackServerContext* ctx, const v1::GetFundingSchemeRequest* req,
    v1::FundingScheme* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return funding_.GetFundingScheme(*req, resp);
  });
}

grpc::ServerUnaryReactor* FundingServiceImpl::ListFundingSchemes(
    grpc::CallbackServerContext* ctx, const v1::ListFundingSchemesRequest* req,
    v1::ListFundingSchemesResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return funding_.ListFundingSchemes(*req, resp);
  });
}

grpc::ServerUnaryReactor* FundingServiceImpl::CreateFundingRule(
    grpc::CallbackServerContext* ctx, const v1::CreateFundingRuleRequest* req,
    v1::FundingRule* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return funding_.CreateFundingRule(*req, resp);
  });
}

grpc::ServerUnaryReactor* FundingServiceImpl::CheckEligibility(
    grpc::CallbackServerContext* ctx, const v1::CheckEligibilityRequest* req,
    v1::EligibilityDecision* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return funding_.CheckEligibility(Call(*ctx), *req, resp);
  });
}

grpc::ServerUnaryReactor* FundingServiceImpl::GetEligibilityDecision(
    grpc::CallbackServerContext* ctx,
    const v1::GetEligibilityDecisionRequest* req,
    v1::EligibilityDecision* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return funding_.GetEligibilityDecision(*req, resp);
  });
}

grpc::ServerUnaryReactor* FundingServiceImpl::ListEligibilityDecisions(
    grpc::CallbackServerContext* ctx,
    const v1::ListEligibilityDecisionsRequest* req,
    v1::ListEligibilityDecisionsResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return funding_.ListEligibilityDecisions(*req, resp);
  });
}

grpc::ServerUnaryReactor* FundingServiceImpl::ListDecisionChanges(
    grpc::CallbackServerContext* ctx, const v1::ListDecisionChangesRequest* req,
    v1::ListDecisionChangesResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return funding_.ListDecisionChanges(*req, resp);
  });
}

grpc::ServerUnaryReactor* FundingServiceImpl::CreateDisbursement(
    grpc::CallbackServerContext* ctx, const v1::CreateDisbursementRequest* req,
    v1::Disbursement* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return funding_.CreateDisbursement(Call(*ctx), *req, resp);
  });
}

grpc::ServerUnaryReactor* FundingServiceImpl::ListDisbursements(
    grpc::CallbackServerContext* ctx, const v1::ListDisbursementsRequest* req,
    v1::ListDisbursementsResponse* resp) {
  return server::Offload(ctx, executor_, [this, req, resp] {
    return funding_.ListDisbursements(*req, resp);
  });
}

grpc::ServerUnaryReactor* FundingServiceImpl::GetQualityRecord(
    grpc::CallbackServerContext* ctx, const v1::GetQualityRecordRequest* req,
    v1::QualityRecord* resp) {
  return server::Offload(ctx, executor_, [this, ctx, req, resp] {
    return funding_.GetQualityRecord(Call(*ctx), *req, resp);
  });
}

}  // namespace qpp::funding
