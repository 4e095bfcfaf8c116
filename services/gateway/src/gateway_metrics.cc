#include "services/gateway/src/gateway_metrics.h"

namespace qpp::gateway {

GatewayMetrics::GatewayMetrics(prometheus::Registry& registry)
    : requests(prometheus::BuildCounter()
                   .Name("qpp_gateway_requests_total")
                   .Help("Calls through the gateway by method and code.")
                   .Register(registry)),
      request_seconds(prometheus::BuildHistogram()
                          .Name("qpp_gateway_request_duration_seconds")
                          .Help("Time from arrival to answer, by method.")
                          .Register(registry)),
      client_requests(prometheus::BuildCounter()
                          .Name("qpp_gateway_client_requests_total")
                          .Help("Calls through the gateway by client and code.")
                          .Register(registry)),
      client_seconds(prometheus::BuildHistogram()
                         .Name("qpp_gateway_client_request_duration_seconds")
                         .Help("Time from arrival to answer, by client.")
                         .Register(registry)),
      backend_up(prometheus::BuildGauge()
                     .Name("qpp_gateway_backend_up")
                     .Help("1 while the backend's health service is SERVING.")
                     .Register(registry)),
      audit_write_failures(prometheus::BuildCounter()
                               .Name("qpp_gateway_audit_write_failures_total")
                               .Help("Audit lines that could not be written.")
                               .Register(registry)
                               .Add({})),
      rejected(prometheus::BuildCounter()
                   .Name("qpp_gateway_rejected_total")
                   .Help("Calls refused by the gateway itself, by reason.")
                   .Register(registry)) {}

prometheus::Histogram::BucketBoundaries GatewayMetrics::Buckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
          0.1,    0.25,    0.5,    1,     2.5,    5,     10,   30};
}

}  // namespace qpp::gateway
