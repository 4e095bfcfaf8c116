#include "services/registry/src/registry_service.h"

#include "common/server/offload.h"
#include "common/status/grpc_status.h"
#include "common/status/status.h"

namespace qpp::registry {
namespace {

class ImportReactor final
    : public grpc::ServerReadReactor<v1::ImportOrganizationsRequest> {
 public:
  ImportReactor(grpc::CallbackServerContext* ctx, Registry& registry,
                server::Executor& executor,
                v1::ImportOrganizationsResponse* resp)
      : ctx_(ctx), registry_(registry), executor_(executor), resp_(resp) {
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
      absl::Status s = registry_.ImportChunk(chunk_, next_index_, resp_);
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
  Registry& registry_;
  server::Executor& executor_;
  v1::ImportOrganizationsResponse* resp_;
  v1::ImportOrganizationsRequest chunk_;
  int next_index_ = 0;
};

}  // namespace

#define QPP_REGISTRY_DEFINE_UNARY(Method, Request, Response)    \
  grpc::ServerUnaryReactor* RegistryServiceImpl::Method(        \
      grpc::CallbackServerContext* ctx, const v1::Request* req, \
      v1::Response* resp) {                                     \
    return server::Offload(ctx, executor_, [this, req, resp] {  \
      return registry_.Method(*req, resp);                      \
    });                                                         \
  }
QPP_REGISTRY_UNARY_METHODS(QPP_REGISTRY_DEFINE_UNARY)
#undef QPP_REGISTRY_DEFINE_UNARY

grpc::ServerReadReactor<v1::ImportOrganizationsRequest>*
RegistryServiceImpl::ImportOrganizations(
    grpc::CallbackServerContext* ctx, v1::ImportOrganizationsResponse* resp) {
  return new ImportReactor(ctx, registry_, executor_, resp);
}

}  // namespace qpp::registry
