#pragma once

// Every metric of the gateway. Labels are bounded: methods come from the
// compiled-in API descriptors ("other" for anything else), clients from the
// keys file and policy ("unknown" otherwise), codes from google.rpc.Code.
// Request ids and resource names are never labels.

#include <string>

#include "absl/strings/string_view.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace qpp::gateway {

// Metric families, created once and shared by the gRPC and HTTP paths.
class GatewayMetrics final {
 public:
  explicit GatewayMetrics(prometheus::Registry& registry);

  // qpp_gateway_requests_total{protocol,grpc_service,grpc_method,code} and
  // qpp_gateway_request_duration_seconds{protocol,grpc_service,grpc_method}:
  // rate, errors and duration per method.
  prometheus::Family<prometheus::Counter>& requests;
  prometheus::Family<prometheus::Histogram>& request_seconds;
  // qpp_gateway_client_requests_total{client,code} and
  // qpp_gateway_client_request_duration_seconds{client}: per client.
  prometheus::Family<prometheus::Counter>& client_requests;
  prometheus::Family<prometheus::Histogram>& client_seconds;
  // qpp_gateway_backend_up{grpc_service,address}: 1 while the backend's
  // health service answers SERVING.
  prometheus::Family<prometheus::Gauge>& backend_up;
  // qpp_gateway_audit_write_failures_total: audit lines that could not be
  // written.
  prometheus::Counter& audit_write_failures;
  // qpp_gateway_rejected_total{reason}: calls refused by the gateway itself
  // (unauthenticated, permission_denied, rate_limited, audit_unavailable,
  // bad_request, not_found, refusal_budget).
  prometheus::Family<prometheus::Counter>& rejected;

  // Abuse limits before authentication (refusal_budget.h):
  // qpp_gateway_refused_calls_aggregated_total: refused calls recorded only
  // in an aggregate audit line, beyond the per-address line allowance.
  prometheus::Counter& refused_calls_aggregated;
  // qpp_gateway_audit_disk_free_bytes and qpp_gateway_audit_disk_size_bytes:
  // the file system of the audit directory (space available to the
  // gateway, and its size); mutations stop when it is full.
  prometheus::Gauge& audit_disk_free_bytes;
  prometheus::Gauge& audit_disk_size_bytes;

  // The HTTP/JSON listener (http_server.h):
  // qpp_gateway_http_connections: open connections.
  prometheus::Gauge& http_connections;
  // qpp_gateway_http_refused_connections_total{reason}: connections closed
  // at once because of a cap (total_limit, address_limit).
  prometheus::Family<prometheus::Counter>& http_refused_connections;
  // qpp_gateway_http_timeouts_total{phase}: connections closed for slowness
  // (header, body, write) or after idling (idle).
  prometheus::Family<prometheus::Counter>& http_timeouts;
  // qpp_gateway_http_bad_requests_total{status}: requests refused by the
  // HTTP parser (400, 413, 417, 431, 505), each closing its connection.
  prometheus::Family<prometheus::Counter>& http_bad_requests;

  // Bucket boundaries in seconds, from 100 µs to 30 s.
  static prometheus::Histogram::BucketBoundaries Buckets();
};

}  // namespace qpp::gateway
