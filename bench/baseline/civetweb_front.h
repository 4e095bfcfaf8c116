#pragma once

// Benchmark baseline only: the gateway's HTTP/JSON front as it was before
// the event-driven one (civetweb, one worker thread per connection, paths
// decoded before routing), kept so that bench/http_front_bench.cc can measure
// the event-driven front beside it in the same run. Not linked into the
// gateway; do not use it for anything else.

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "services/gateway/src/gateway.h"
#include "services/gateway/src/http_front.h"
#include "services/gateway/src/transcoder.h"

struct mg_context;
struct mg_connection;

namespace qpp::gateway::baseline {

// HTTP server settings.
struct CivetwebOptions {
  // host:port to listen on.
  std::string address = "127.0.0.1:8080";
  // Worker threads; each serves one connection at a time.
  int threads = 16;
  // Largest accepted request body; larger ones get 413.
  size_t max_body_bytes = 1024 * 1024;
  // The OpenAPI document served at /openapi.json (empty: 404).
  std::string openapi_json;
  // Answers GET /healthz without credentials (200 SERVING or 503
  // NOT_SERVING) for HTTP load balancers; unset: always SERVING.
  std::function<bool()> serving;
};

// The HTTP listener. Dependencies are not owned and must outlive it.
class CivetwebFront final {
 public:
  CivetwebFront(Gateway* gateway, const Transcoder* transcoder,
                CivetwebOptions options);
  ~CivetwebFront();

  // Starts listening. UNAVAILABLE if the address cannot be bound.
  absl::Status Start();

  // Stops taking connections and waits for the workers. Idempotent.
  void Stop();

 private:
  static int Dispatch(mg_connection* conn, void* self);
  int Handle(mg_connection* conn);

  Gateway* gateway_;
  const Transcoder* transcoder_;
  CivetwebOptions options_;
  mg_context* ctx_ = nullptr;
};

}  // namespace qpp::gateway::baseline
