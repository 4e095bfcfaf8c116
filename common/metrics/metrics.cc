#include "common/metrics/metrics.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "prometheus/gauge.h"

namespace qpp::metrics {
namespace {

constexpr std::array<const char*, 17> kCodeNames = {"OK",
                                                    "CANCELLED",
                                                    "UNKNOWN",
                                                    "INVALID_ARGUMENT",
                                                    "DEADLINE_EXCEEDED",
                                                    "NOT_FOUND",
                                                    "ALREADY_EXISTS",
                                                    "PERMISSION_DENIED",
                                                    "RESOURCE_EXHAUSTED",
                                                    "FAILED_PRECONDITION",
                                                    "ABORTED",
                                                    "OUT_OF_RANGE",
                                                    "UNIMPLEMENTED",
                                                    "INTERNAL",
                                                    "UNAVAILABLE",
                                                    "DATA_LOSS",
                                                    "UNAUTHENTICATED"};

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* const kBuckets =
      new prometheus::Histogram::BucketBoundaries{
          0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
  return *kBuckets;
}

// Metric names and help texts of one side of a call.
struct SideNames {
  const char* started;
  const char* started_help;
  const char* handled;
  const char* handled_help;
  const char* seconds;
  const char* seconds_help;
};

const SideNames& NamesOf(GrpcSide side) {
  static constexpr SideNames kServer = {
      "grpc_server_started_total",
      "RPCs started on the server.",
      "grpc_server_handled_total",
      "RPCs completed on the server, by status code.",
      "grpc_server_handling_seconds",
      "Time from receiving an RPC to sending its status."};
  static constexpr SideNames kClient = {
      "grpc_client_started_total",
      "RPCs started by this process as a client.",
      "grpc_client_handled_total",
      "RPCs this process made as a client that completed, by status code.",
      "grpc_client_handling_seconds",
      "Time from starting an RPC to receiving its status."};
  return side == GrpcSide::kServer ? kServer : kClient;
}

class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(GrpcServerMetrics& metrics, absl::string_view method)
      : metrics_(metrics), method_(metrics.Find(method)) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      start_ = absl::Now();
      method_.started->Increment();
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      method_.seconds->Observe(absl::ToDoubleSeconds(absl::Now() - start_));
      metrics_.RecordHandled(method_, methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  GrpcServerMetrics& metrics_;
  GrpcServerMetrics::Method& method_;
  absl::Time start_ = absl::Now();
};

class MetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(GrpcServerMetrics& metrics)
      : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(metrics_, info->method());
  }

 private:
  GrpcServerMetrics& metrics_;
};

}  // namespace

const char* CodeName(int code) {
  return code >= 0 && code < 17 ? kCodeNames[code] : "UNKNOWN";
}

absl::StatusOr<std::unique_ptr<prometheus::Exposer>> StartExposer(
    const std::string& address,
    std::shared_ptr<prometheus::Registry> registry) {
  try {
    auto exposer = std::make_unique<prometheus::Exposer>(address, 2);
    exposer->RegisterCollectable(registry);
    return exposer;
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", address, ": ", e.what()));
  }
}

void AddBuildInfo(prometheus::Registry& registry, absl::string_view service,
                  absl::string_view version) {
  prometheus::BuildGauge()
      .Name("qpp_build_info")
      .Help("Build of the running binary; always 1.")
      .Register(registry)
      .Add({{"service", std::string(service)},
            {"version", std::string(version)}})
      .Set(1);
}

GrpcMethodMetrics::GrpcMethodMetrics(prometheus::Registry& registry,
                                     GrpcSide side)
    : started_(prometheus::BuildCounter()
                   .Name(NamesOf(side).started)
                   .Help(NamesOf(side).started_help)
                   .Register(registry)),
      handled_(prometheus::BuildCounter()
                   .Name(NamesOf(side).handled)
                   .Help(NamesOf(side).handled_help)
                   .Register(registry)),
      seconds_(prometheus::BuildHistogram()
                   .Name(NamesOf(side).seconds)
                   .Help(NamesOf(side).seconds_help)
                   .Register(registry)) {}

void GrpcMethodMetrics::AddService(
    const google::protobuf::ServiceDescriptor* service) {
  for (int i = 0; i < service->method_count(); ++i) {
    const auto* m = service->method(i);
    const char* type =
        m->client_streaming()
            ? (m->server_streaming() ? "bidi_stream" : "client_stream")
            : (m->server_streaming() ? "server_stream" : "unary");
    const std::string full =
        absl::StrCat("/", service->full_name(), "/", m->name());
    std::lock_guard<std::mutex> lock(mu_);
    if (methods_.count(full) == 0) Create(full, type);
  }
}

GrpcMethodMetrics::Method& GrpcMethodMetrics::Create(
    const std::string& full_method, const std::string& type) {
  std::vector<std::string> parts =
      absl::StrSplit(full_method, absl::MaxSplits('/', 2));
  std::string service = parts.size() > 1 ? parts[1] : "unknown";
  std::string method = parts.size() > 2 ? parts[2] : "unknown";
  auto m = std::make_unique<Method>();
  m->labels = {{"grpc_service", service}, {"grpc_method", method}};
  auto started_labels = m->labels;
  started_labels["grpc_type"] = type;
  m->started = &started_.Add(started_labels);
  m->seconds = &seconds_.Add(m->labels, LatencyBuckets());
  auto ok_labels = m->labels;
  ok_labels["grpc_code"] = "OK";
  m->handled[0].store(&handled_.Add(ok_labels));
  Method& ref = *m;
  methods_.emplace(full_method, std::move(m));
  return ref;
}

GrpcMethodMetrics::Method& GrpcMethodMetrics::Find(
    absl::string_view full_method) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = methods_.find(std::string(full_method));
  if (it != methods_.end()) return *it->second;
  // Methods of services not declared up front (health, reflection); there
  // are few of them, so creating series on first use is bounded.
  return Create(std::string(full_method), "unknown");
}

void GrpcMethodMetrics::RecordHandled(Method& method, int code) {
  if (code < 0 || code >= 17) code = 2;
  prometheus::Counter* counter = method.handled[code].load();
  if (counter == nullptr) {
    auto labels = method.labels;
    labels["grpc_code"] = kCodeNames[code];
    counter = &handled_.Add(labels);  // thread-safe, idempotent
    method.handled[code].store(counter);
  }
  counter->Increment();
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
GrpcServerMetrics::InterceptorFactory() {
  return std::make_unique<MetricsInterceptorFactory>(*this);
}

}  // namespace qpp::metrics
