#pragma once

// The gRPC front: a generic callback service that takes every method not
// served by the gateway itself (health), admits the call and forwards the
// raw bytes to the upstream of its service, for unary and streaming
// methods alike. Nothing here blocks a gRPC thread.

#include "grpcpp/generic/async_generic_service.h"
#include "services/gateway/src/gateway.h"

namespace qpp::gateway {

// Forwards calls through `gateway` (not owned).
class GrpcProxy final : public grpc::CallbackGenericService {
 public:
  explicit GrpcProxy(Gateway* gateway) : gateway_(gateway) {}

  // Admits the call and returns the reactor that forwards it, or one that
  // finishes at once with the admission error (UNAUTHENTICATED,
  // PERMISSION_DENIED, UNIMPLEMENTED, RESOURCE_EXHAUSTED, UNAVAILABLE).
  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* ctx) override;

 private:
  Gateway* gateway_;
};

}  // namespace qpp::gateway
