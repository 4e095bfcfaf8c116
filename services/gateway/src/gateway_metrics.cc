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
                   .Register(registry)),
      refused_calls_aggregated(
          prometheus::BuildCounter()
              .Name("qpp_gateway_refused_calls_aggregated_total")
              .Help("Refused calls audited only in an aggregate line.")
              .Register(registry)
              .Add({})),
      audit_disk_free_bytes(
          prometheus::BuildGauge()
              .Name("qpp_gateway_audit_disk_free_bytes")
              .Help("Space left for the audit log on its file system.")
              .Register(registry)
              .Add({})),
      audit_disk_size_bytes(prometheus::BuildGauge()
                                .Name("qpp_gateway_audit_disk_size_bytes")
                                .Help("Size of the audit log's file system.")
                                .Register(registry)
                                .Add({})),
      http_connections(prometheus::BuildGauge()
                           .Name("qpp_gateway_http_connections")
                           .Help("Open HTTP connections.")
                           .Register(registry)
                           .Add({})),
      http_refused_connections(
          prometheus::BuildCounter()
              .Name("qpp_gateway_http_refused_connections_total")
              .Help("HTTP connections closed at once because of a cap.")
              .Register(registry)),
      http_timeouts(prometheus::BuildCounter()
                        .Name("qpp_gateway_http_timeouts_total")
                        .Help("HTTP connections closed by a timeout, by "
                              "phase.")
                        .Register(registry)),
      http_bad_requests(prometheus::BuildCounter()
                            .Name("qpp_gateway_http_bad_requests_total")
                            .Help("HTTP requests refused by the parser, by "
                                  "status.")
                            .Register(registry)) {
  // Pre-created at zero, so that rates and alerts see the series at once.
  for (const char* reason : {"total_limit", "address_limit"}) {
    http_refused_connections.Add({{"reason", reason}});
  }
  for (const char* phase : {"header", "idle", "body", "write"}) {
    http_timeouts.Add({{"phase", phase}});
  }
  for (const char* status : {"400", "413", "417", "431", "505"}) {
    http_bad_requests.Add({{"status", status}});
  }
}

prometheus::Histogram::BucketBoundaries GatewayMetrics::Buckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
          0.1,    0.25,    0.5,    1,     2.5,    5,     10,   30};
}

}  // namespace qpp::gateway
