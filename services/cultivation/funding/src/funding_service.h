#pragma once

// The gRPC surface of funding eligibility: every method hands its call to
// the bounded executor at once and there runs its use case (funding.h),
// converting the absl::Status it returns, with its google.rpc details,
// into the call's status. Methods that read other services or record who
// acted take the call's context (deadline, request id, principal) from the
// server context.
//
// Besides the statuses of the use cases, any method may answer UNAVAILABLE
// (SERVER_OVERLOADED) when the executor's queue is full, CANCELLED or
// DEADLINE_EXCEEDED for a call that ended while it was queued.

#include "common/context/grpc_request_context.h"
#include "common/server/executor.h"
#include "qpp/funding/v1/funding_service.grpc.pb.h"
#include "services/cultivation/funding/src/funding.h"

namespace qpp::funding {

class FundingServiceImpl final : public v1::FundingService::CallbackService {
 public:
  // Neither `funding` nor `executor` is owned; both must outlive the
  // service. `trust` says whose principal header to believe.
  FundingServiceImpl(Funding& funding, server::Executor& executor,
                     PrincipalTrust trust)
      : funding_(funding), executor_(executor), trust_(std::move(trust)) {}

  grpc::ServerUnaryReactor* CreateFundingScheme(
      grpc::CallbackServerContext* ctx,
      const v1::CreateFundingSchemeRequest* req,
      v1::FundingScheme* resp) override;
  grpc::ServerUnaryReactor* GetFundingScheme(
      grpc::CallbackServerContext* ctx, const v1::GetFundingSchemeRequest* req,
      v1::FundingScheme* resp) override;
  grpc::ServerUnaryReactor* ListFundingSchemes(
      grpc::CallbackServerContext* ctx,
      const v1::ListFundingSchemesRequest* req,
      v1::ListFundingSchemesResponse* resp) override;
  grpc::ServerUnaryReactor* CreateFundingRule(
      grpc::CallbackServerContext* ctx, const v1::CreateFundingRuleRequest* req,
      v1::FundingRule* resp) override;
  grpc::ServerUnaryReactor* CheckEligibility(
      grpc::CallbackServerContext* ctx, const v1::CheckEligibilityRequest* req,
      v1::EligibilityDecision* resp) override;
  grpc::ServerUnaryReactor* GetEligibilityDecision(
      grpc::CallbackServerContext* ctx,
      const v1::GetEligibilityDecisionRequest* req,
      v1::EligibilityDecision* resp) override;
  grpc::ServerUnaryReactor* ListEligibilityDecisions(
      grpc::CallbackServerContext* ctx,
      const v1::ListEligibilityDecisionsRequest* req,
      v1::ListEligibilityDecisionsResponse* resp) override;
  grpc::ServerUnaryReactor* ListDecisionChanges(
      grpc::CallbackServerContext* ctx,
      const v1::ListDecisionChangesRequest* req,
      v1::ListDecisionChangesResponse* resp) override;
  grpc::ServerUnaryReactor* CreateDisbursement(
      grpc::CallbackServerContext* ctx,
      const v1::CreateDisbursementRequest* req,
      v1::Disbursement* resp) override;
  grpc::ServerUnaryReactor* ListDisbursements(
      grpc::CallbackServerContext* ctx, const v1::ListDisbursementsRequest* req,
      v1::ListDisbursementsResponse* resp) override;
  grpc::ServerUnaryReactor* GetQualityRecord(
      grpc::CallbackServerContext* ctx, const v1::GetQualityRecordRequest* req,
      v1::QualityRecord* resp) override;

 private:
  RequestContext Call(const grpc::CallbackServerContext& ctx) const {
    return RequestContextFromServer(ctx, trust_);
  }

  Funding& funding_;
  server::Executor& executor_;
  const PrincipalTrust trust_;
};

}  // namespace qpp::funding
