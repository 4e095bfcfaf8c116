#pragma once

// The HTTP/JSON front: transcodes each request to a unary call of the
// method its path names and sends it through the gateway core. Errors are
// google.rpc.Status JSON bodies with the matching HTTP status.
// Client- and server-streaming methods are not offered over HTTP: the
// protos give them no binding (the import stream's HTTP path is the batch
// method), and a binding added by mistake answers 501 naming the method.
//
// The listener (http_server.h) is event-driven and built for hostile
// clients: timeouts for headers, bodies, answers and idling, caps on
// connections, a strict HTTP/1.1 parser (http_parser.h); paths are
// checked before routing and decoded once after it (http_target.h).
//
// Why Boost.Beast (with Boost.Asio) rather than libmicrohttpd, the other
// well-kept HTTP server library in Debian: Beast's parser is strict where it
// matters (no bare LF, no whitespace before the colon, Content-Length with
// Transfer-Encoding refused) and exposes every field and body piece through
// callbacks, so the remaining checks (folded lines, duplicate or listed
// Content-Length, Host, field counts) are added in one place and tested on
// bytes; Asio gives a few event loops with per-connection timers, and the
// gateway's asynchronous backend calls answer on them without a thread per
// request. libmicrohttpd is event-driven too and has connection caps (also
// per address), but the version Debian ships (0.9.75) parses leniently by
// design (bare LF line ends, folded lines joined) without exposing the raw
// header to check, and its one timeout is an inactivity timeout, which a
// client trickling a byte every few seconds keeps resetting.
// Beast and Asio are header-only in libboost-dev. Civetweb remains only for
// /metrics (prometheus-cpp's exposer), which is not public.

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/gateway/src/gateway.h"
#include "services/gateway/src/http_server.h"
#include "services/gateway/src/transcoder.h"

namespace qpp::gateway {

// HTTP settings.
struct HttpOptions {
  // host:port to listen on (port 0 picks one).
  std::string address = "127.0.0.1:8080";
  // Event-loop threads; connections do not hold threads.
  int threads = 2;
  // Largest accepted request body; larger ones get 413.
  size_t max_body_bytes = 1024 * 1024;
  // Largest request line plus header, and most header fields: 431 past
  // them.
  size_t max_header_bytes = 16 * 1024;
  int max_header_fields = 100;
  // Open connections at most, in total and per client address.
  int max_connections = 10000;
  int max_connections_per_address = 256;
  // See HttpServerOptions.
  absl::Duration header_timeout = absl::Seconds(10);
  absl::Duration idle_timeout = absl::Seconds(30);
  absl::Duration body_timeout = absl::Seconds(30);
  absl::Duration write_timeout = absl::Seconds(30);
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

  // Starts listening. UNAVAILABLE if the address cannot be bound,
  // INVALID_ARGUMENT if it does not parse.
  absl::Status Start();

  // The bound port (after Start).
  int port() const;

  // Stops taking connections, waits for the calls in flight and stops the
  // threads. Idempotent.
  void Stop();

 private:
  struct Call;
  void Handle(HttpRequest request, HttpResponder respond);
  void Forward(std::shared_ptr<Call> call, const RouteMatch& match,
               const HttpRequest& request);
  void Finish(Call& call, HttpReply reply, int grpc_code);
  void Fail(Call& call, const grpc::Status& status, int http_status = 0);
  HttpReply Reject(const HttpRejection& rejection);

  Gateway* gateway_;
  const Transcoder* transcoder_;
  HttpOptions options_;
  std::unique_ptr<HttpServer> server_;
};

// Parses a grpc-timeout value ("100m", "5S", "1H" …) into a duration;
// false if malformed.
bool ParseGrpcTimeout(absl::string_view text, absl::Duration* out);

}  // namespace qpp::gateway
