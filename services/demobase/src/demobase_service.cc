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

}  // namespace qpp::demobase
