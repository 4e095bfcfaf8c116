#pragma once

// Prometheus metrics shared by every service: the /metrics endpoint, build
// info, and gRPC RED metrics: the server's recorded by an interceptor, the
// client's by client::ServiceClient.

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/server_interceptor.h"
#include "prometheus/counter.h"
#include "prometheus/exposer.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace google::protobuf {
class ServiceDescriptor;
}

namespace qpp::metrics {

// Serves the registry's metrics at http://<address>/metrics, e.g.
// "127.0.0.1:9201". UNAVAILABLE if the port cannot be bound.
absl::StatusOr<std::unique_ptr<prometheus::Exposer>> StartExposer(
    const std::string& address, std::shared_ptr<prometheus::Registry> registry);

// Sets qpp_build_info{service, version} = 1.
void AddBuildInfo(prometheus::Registry& registry, absl::string_view service,
                  absl::string_view version);

// Which end of a call RED metrics describe: "server" or "client" in the
// metric names.
enum class GrpcSide { kServer, kClient };

// grpc_<side>_started_total, grpc_<side>_handled_total and
// grpc_<side>_handling_seconds for every method of the given services,
// created at zero up front so that rates exist before the first call.
// Labels: grpc_service, grpc_method, grpc_type (started only), grpc_code
// (handled only) — never ids. Several instances may share a registry: the
// families are merged and equal label sets name the same series.
// Thread-safe.
class GrpcMethodMetrics {
 public:
  GrpcMethodMetrics(prometheus::Registry& registry, GrpcSide side);

  // Pre-creates the series of every method of `service`.
  void AddService(const google::protobuf::ServiceDescriptor* service);

  // Per-method series; `full_method` is "/pkg.Service/Method".
  struct Method {
    prometheus::Counter* started;
    prometheus::Histogram* seconds;
    std::map<std::string, std::string> labels;
    std::array<std::atomic<prometheus::Counter*>, 17> handled{};
  };
  // The series of a method, created on first use for methods that were not
  // added up front.
  Method& Find(absl::string_view full_method);
  // Counts one finished call with google.rpc.Code `code`.
  void RecordHandled(Method& method, int code);

 private:
  Method& Create(const std::string& full_method, const std::string& type);

  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& seconds_;
  std::mutex mu_;
  std::unordered_map<std::string, std::unique_ptr<Method>> methods_;
};

// The server side, recorded by an interceptor.
class GrpcServerMetrics final : public GrpcMethodMetrics {
 public:
  explicit GrpcServerMetrics(prometheus::Registry& registry)
      : GrpcMethodMetrics(registry, GrpcSide::kServer) {}

  // An interceptor factory to hand to grpc::ServerBuilder.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
  InterceptorFactory();
};

// Name of a google.rpc.Code value, e.g. "NOT_FOUND".
const char* CodeName(int code);

}  // namespace qpp::metrics
