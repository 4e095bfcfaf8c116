#pragma once

// The HTTP/JSON front (civetweb): transcodes each request to a unary call
// of the method its path names and sends it through the gateway core.
// Errors are google.rpc.Status JSON bodies with the matching HTTP status.
// Client- and server-streaming methods are not offered over HTTP: they
// answer 501 with a message naming the gRPC method (and, for the import
// stream, the batch method) to use instead.

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "services/gateway/src/gateway.h"
#include "services/gateway/src/transcoder.h"

struct mg_context;
struct mg_connection;

namespace qpp::gateway {

// HTTP server settings.
struct HttpOptions {
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
class HttpFront final {
 public:
  HttpFront(Gateway* gateway, const Transcoder* transcoder,
            HttpOptions options);
  ~HttpFront();

  // Starts listening. UNAVAILABLE if the address cannot be bound.
  absl::Status Start();

  // Stops taking connections and waits for the workers. Idempotent.
  void Stop();

 private:
  static int Dispatch(mg_connection* conn, void* self);
  int Handle(mg_connection* conn);

  Gateway* gateway_;
  const Transcoder* transcoder_;
  HttpOptions options_;
  mg_context* ctx_ = nullptr;
};

// Parses a grpc-timeout value ("100m", "5S", "1H" …) into a duration;
// false if malformed.
bool ParseGrpcTimeout(absl::string_view text, absl::Duration* out);

}  // namespace qpp::gateway
