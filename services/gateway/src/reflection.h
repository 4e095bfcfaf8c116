#pragma once

// gRPC server reflection for the gateway's public API, so that grpcurl,
// `buf curl` and Postman work against the one public address.
//
// Reflection is not registered on the gateway's listeners, where it would
// answer anyone: it runs on an in-process server behind the proxy, as a
// local upstream of the service grpc.reflection.v1alpha.ServerReflection,
// so a reflection call is authenticated, authorised by the policy,
// rate-limited and audited like any other. It describes the services whose
// descriptors are compiled into the gateway (the APIs of apis.h and the
// gateway's grpc.health.v1.Health) from the generated descriptor pool, so
// every service it lists also resolves. gRPC 1.51 implements the v1alpha
// protocol only: clients that try grpc.reflection.v1 first get
// UNIMPLEMENTED and fall back to it.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/impl/server_builder_option.h"
#include "grpcpp/server.h"
#include "services/gateway/src/backends.h"

namespace qpp::gateway {

// The reflection service the gateway routes to ReflectionUpstream.
inline constexpr char kReflectionService[] =
    "grpc.reflection.v1alpha.ServerReflection";

// An in-process reflection server as an upstream. Thread-safe.
class ReflectionUpstream final : public Upstream {
 public:
  // Starts the in-process server listing `services`, the gateway's own
  // grpc.health.v1.Health and reflection itself. INTERNAL if it cannot
  // start.
  static absl::StatusOr<std::unique_ptr<ReflectionUpstream>> Start(
      const std::vector<const google::protobuf::ServiceDescriptor*>& services);
  ~ReflectionUpstream() override;

  // Reflection has no unary method: UNIMPLEMENTED.
  void CallUnary(const OutboundCall& call, grpc::ClientContext* ctx,
                 const std::string& method, const grpc::ByteBuffer* request,
                 grpc::ByteBuffer* response,
                 std::function<void(grpc::Status)> done) override;

  grpc::GenericStub* streaming_stub() override { return stub_.get(); }

 private:
  ReflectionUpstream() = default;
  std::vector<std::unique_ptr<grpc::Service>> listed_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::GenericStub> stub_;
};

// A server builder option that leaves gRPC's reflection plugin out of a
// server. Linking grpc++_reflection adds that plugin to every server
// builder of the process; the gateway's listeners must not answer
// reflection without credentials.
std::unique_ptr<grpc::ServerBuilderOption> WithoutReflection();

}  // namespace qpp::gateway
