#pragma once

// The event-driven HTTP/1.1 listener of the gateway: a few I/O threads,
// each running its own Boost.Asio event loop over many connections, none
// ever blocked by a client or a backend. Built for hostile clients:
//  - a connection must deliver its request header within the header
//    timeout, its body within the body timeout, and read its answer within
//    the write timeout; a keep-alive connection may idle for the idle
//    timeout. Idle and slow connections cost a socket and a few hundred
//    bytes, not a thread;
//  - caps on open connections in total and per client address (IPv4
//    address or IPv6 /64): past them a new connection is closed at once;
//    the total is also held below the process's descriptor limit, which
//    gRPC and the audit log share;
//  - the strict parser of http_parser.h; after any framing error the answer
//    says "Connection: close", the connection stops reading requests, and
//    the bytes that follow are drained unread for a moment (so that the
//    client sees the answer rather than a reset), then it is closed.
// Requests on one connection are answered in order; a pipelined request
// waits until the previous answer is written.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/gateway/src/gateway_metrics.h"
#include "services/gateway/src/http_parser.h"

namespace qpp::gateway {

// Listener settings.
struct HttpServerOptions {
  // host:port ("127.0.0.1:8080", "[::]:8080", "0.0.0.0:8080"; port 0 picks
  // one).
  std::string address = "127.0.0.1:8080";
  // Event-loop threads.
  int io_threads = 2;
  // Open connections at most, in total and per client address.
  int max_connections = 10000;
  int max_connections_per_address = 256;
  // From the first byte (or the connection) to the end of the header.
  absl::Duration header_timeout = absl::Seconds(10);
  // Between requests on a keep-alive connection.
  absl::Duration idle_timeout = absl::Seconds(30);
  // From the end of the header to the end of the body.
  absl::Duration body_timeout = absl::Seconds(30);
  // To write an answer.
  absl::Duration write_timeout = absl::Seconds(30);
  HttpLimits limits;
};

// An answer. Content-Length, Cache-Control: no-store,
// X-Content-Type-Options: nosniff and Connection are added by the server.
struct HttpReply {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Close the connection after this answer.
  bool close = false;
};

// Delivers the answer of a request: call exactly once, from any thread.
using HttpResponder = std::function<void(HttpReply)>;

// Serves one request. Runs on an I/O thread and must not block: start the
// work and call the responder when it is done.
using HttpHandler = std::function<void(HttpRequest, HttpResponder)>;

// What the parser refused, for the answer and the record.
struct HttpRejection {
  std::string peer;
  int status = 400;  // 400, 413, 417, 431 or 505
  std::string message;
};

// Builds the answer to a request the parser refused (the server closes the
// connection after it). Runs on an I/O thread; must not block.
using HttpRejectHandler = std::function<HttpReply(const HttpRejection&)>;

// The listener. Start and Stop from one thread.
class HttpServer final {
 public:
  // `metrics` may be null (not owned).
  HttpServer(HttpServerOptions options, HttpHandler handler,
             HttpRejectHandler reject, GatewayMetrics* metrics);
  ~HttpServer();

  // Binds and starts the I/O threads. UNAVAILABLE if the address cannot be
  // bound, INVALID_ARGUMENT if it does not parse.
  absl::Status Start();

  // The bound port (after Start).
  int port() const { return port_; }

  // Stops accepting, closes every connection, waits for the requests in
  // flight to be answered (their backend deadlines bound this), and stops
  // the threads. Idempotent.
  void Stop();

  // Open connections.
  int connections() const { return open_.load(); }

 private:
  class Connection;
  friend class Connection;
  // The event loops, acceptor and retry timer (Asio types stay in the .cc).
  struct Loops;
  // Accepts the next connection (on the first loop).
  void Accept();
  // Counts a new connection against the caps; false (counted as refused)
  // if over one.
  bool Admit(Connection* connection, const std::weak_ptr<Connection>& weak,
             const std::string& address_key);
  // Forgets a connection (from its destructor).
  void Release(Connection* connection, const std::string& address_key);
  void BeginRequest();
  void EndRequest();

  HttpServerOptions options_;
  HttpHandler handler_;
  HttpRejectHandler reject_;
  GatewayMetrics* metrics_;
  int port_ = 0;
  int max_connections_ = 0;  // options' cap, lowered to the fd limit

  std::mutex mu_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections_;
  std::unordered_map<std::string, int> per_address_;
  std::atomic<int> open_{0};
  std::condition_variable drained_;
  int in_flight_ = 0;

  std::unique_ptr<Loops> loops_;
  std::vector<std::thread> threads_;
  bool stopped_ = false;
};

}  // namespace qpp::gateway
