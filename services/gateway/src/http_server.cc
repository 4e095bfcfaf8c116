#include "services/gateway/src/http_server.h"

#include <sys/resource.h>

#include <array>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/gateway/src/refusal_budget.h"
#include "spdlog/spdlog.h"

namespace qpp::gateway {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;

// After an answer that closes the connection, what the client still sends
// is read and dropped for this long (or this many bytes), so that the close
// does not reset the connection before the client has read the answer.
constexpr absl::Duration kDrainTime = absl::Seconds(2);
constexpr size_t kDrainBytes = 1024 * 1024;
// Descriptors kept for gRPC, backends, the audit log and metrics.
constexpr rlim_t kReservedDescriptors = 1024;

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 417:
      return "Expectation Failed";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 499:
      return "Client Closed Request";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

// Status line, headers and body in one buffer: written with one send, a
// keep-alive client never waits for a delayed ACK between the two.
std::string Serialize(const HttpReply& r, bool close, bool keep_alive_10,
                      bool head) {
  std::string out = absl::StrCat(
      "HTTP/1.1 ", r.status, " ", ReasonPhrase(r.status),
      "\r\nContent-Type: ", r.content_type,
      "\r\nContent-Length: ", r.body.size(),
      "\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n");
  for (const auto& [k, v] : r.headers)
    absl::StrAppend(&out, k, ": ", v, "\r\n");
  if (close) {
    out.append("Connection: close\r\n");
  } else if (keep_alive_10) {
    out.append("Connection: keep-alive\r\n");
  }
  out.append("\r\n");
  if (!head) out.append(r.body);
  return out;
}

std::string PeerOf(const tcp::endpoint& ep) {
  asio::ip::address a = ep.address();
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    a = asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  }
  return a.is_v6() ? absl::StrCat("[", a.to_string(), "]:", ep.port())
                   : absl::StrCat(a.to_string(), ":", ep.port());
}

}  // namespace

struct HttpServer::Loops {
  // Declared first, destroyed last: everything below uses them.
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>>
      guards;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<asio::steady_timer> accept_retry;
  size_t next = 0;
  absl::Time last_accept_warning = absl::InfinitePast();
};

class HttpServer::Connection final
    : public std::enable_shared_from_this<Connection> {
 public:
  Connection(HttpServer* server, tcp::socket socket, std::string peer,
             std::string key)
      : server_(server),
        socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        peer_(std::move(peer)),
        key_(std::move(key)) {}

  ~Connection() { server_->Release(this, key_); }

  void Start() {
    error_code ec;
    socket_.set_option(tcp::no_delay(true), ec);
    // A new connection has the header timeout from the start: a client
    // that connects and says nothing is a slow client.
    Arm(server_->options_.header_timeout, "header");
    Read();
  }

  void Close() {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    ++timer_generation_;
    timer_.cancel();
    error_code ec;
    socket_.close(ec);
  }

  asio::any_io_executor executor() { return socket_.get_executor(); }

 private:
  enum class Phase {
    kIdle,
    kHeader,
    kBody,
    kBusy,
    kWriting,
    kDraining,
    kClosed
  };

  void Arm(absl::Duration d, const char* phase) {
    const uint64_t generation = ++timer_generation_;
    timer_.expires_after(absl::ToChronoMilliseconds(d));
    timer_.async_wait(
        [self = shared_from_this(), generation, phase](const error_code& ec) {
          if (ec || generation != self->timer_generation_ ||
              self->phase_ == Phase::kClosed) {
            return;
          }
          if (phase != nullptr && self->server_->metrics_ != nullptr) {
            self->server_->metrics_->http_timeouts.Add({{"phase", phase}})
                .Increment();
          }
          self->Close();
        });
  }

  void Read() {
    if (reading_ || phase_ == Phase::kClosed) return;
    reading_ = true;
    socket_.async_read_some(
        asio::buffer(buffer_),
        [self = shared_from_this()](const error_code& ec, size_t n) {
          self->OnRead(ec, n);
        });
  }

  void OnRead(const error_code& ec, size_t n) {
    reading_ = false;
    if (phase_ == Phase::kClosed) return;
    if (ec) return Close();
    if (phase_ == Phase::kDraining) {
      drained_ += n;
      if (drained_ > kDrainBytes) return Close();
      return Read();
    }
    pending_.append(buffer_.data(), n);
    if (phase_ == Phase::kIdle) {
      phase_ = Phase::kHeader;
      if (served_ > 0) Arm(server_->options_.header_timeout, "header");
    }
    Process();
  }

  // Parses what was received; reads more, answers an error, or dispatches.
  void Process() {
    if (parser_ == nullptr) {
      parser_ = std::make_unique<RequestParser>(server_->options_.limits);
    }
    pending_.erase(0, parser_->Feed(pending_));
    if (parser_->failed()) return Reject();
    if (phase_ == Phase::kHeader && parser_->header_done()) {
      phase_ = Phase::kBody;
      Arm(server_->options_.body_timeout, "body");
    }
    if (parser_->done()) return Dispatch();
    if (parser_->expects_continue() && !continue_sent_) {
      continue_sent_ = true;
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(
          socket_, asio::buffer(kContinue),
          [self = shared_from_this()](const error_code& ec, size_t) {
            if (ec) return self->Close();
            self->Read();
          });
      return;
    }
    Read();
  }

  void Reject() {
    if (server_->metrics_ != nullptr) {
      server_->metrics_->http_bad_requests
          .Add({{"status", std::to_string(parser_->error_status())}})
          .Increment();
    }
    HttpReply reply = server_->reject_(HttpRejection{
        peer_, parser_->error_status(), parser_->error_message()});
    reply.close = true;
    parser_.reset();
    // Never parsed: whatever follows a framing error may be a smuggled
    // request.
    pending_.clear();
    keep_alive_ = false;
    head_ = false;
    Respond(std::move(reply));
  }

  void Dispatch() {
    phase_ = Phase::kBusy;
    ++timer_generation_;
    timer_.cancel();
    HttpRequest request = parser_->TakeRequest();
    parser_.reset();
    continue_sent_ = false;
    request.peer = peer_;
    keep_alive_ = request.keep_alive;
    version_10_ = request.version == 10;
    head_ = request.method == "HEAD";
    HttpServer* server = server_;
    server->BeginRequest();
    server->handler_(std::move(request), [self = shared_from_this(),
                                          server](HttpReply reply) {
      asio::post(self->executor(), [self, reply = std::move(reply)]() mutable {
        self->Respond(std::move(reply));
      });
      server->EndRequest();
    });
  }

  void Respond(HttpReply reply) {
    if (phase_ == Phase::kClosed) return;
    const bool close = reply.close || !keep_alive_;
    out_ = Serialize(reply, close, version_10_ && keep_alive_, head_);
    phase_ = Phase::kWriting;
    Arm(server_->options_.write_timeout, "write");
    asio::async_write(
        socket_, asio::buffer(out_),
        [self = shared_from_this(), close](const error_code& ec, size_t) {
          self->OnWritten(ec, close);
        });
  }

  void OnWritten(const error_code& ec, bool close) {
    if (phase_ == Phase::kClosed) return;
    if (ec) return Close();
    std::string().swap(out_);
    ++served_;
    if (close) return Drain();
    phase_ = Phase::kIdle;
    Arm(server_->options_.idle_timeout, "idle");
    if (!pending_.empty()) {
      // A pipelined request arrived while this one was being served.
      phase_ = Phase::kHeader;
      Arm(server_->options_.header_timeout, "header");
      return Process();
    }
    Read();
  }

  void Drain() {
    phase_ = Phase::kDraining;
    pending_.clear();
    error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    Arm(kDrainTime, nullptr);
    Read();
  }

  HttpServer* server_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  uint64_t timer_generation_ = 0;
  const std::string peer_;
  const std::string key_;
  Phase phase_ = Phase::kIdle;
  std::unique_ptr<RequestParser> parser_;
  std::array<char, 16384> buffer_;
  std::string pending_;  // received, not yet consumed by a parser
  std::string out_;      // the answer being written
  bool reading_ = false;
  bool continue_sent_ = false;
  bool keep_alive_ = true;
  bool version_10_ = false;
  bool head_ = false;
  size_t drained_ = 0;
  int served_ = 0;
};

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler,
                       HttpRejectHandler reject, GatewayMetrics* metrics)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      reject_(std::move(reject)),
      metrics_(metrics) {}

HttpServer::~HttpServer() { Stop(); }

bool HttpServer::Admit(Connection* connection,
                       const std::weak_ptr<Connection>& weak,
                       const std::string& key) {
  const char* refused = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    int& mine = per_address_[key];
    if (open_.load() >= max_connections_) {
      refused = "total_limit";
    } else if (options_.max_connections_per_address > 0 &&
               mine >= options_.max_connections_per_address) {
      refused = "address_limit";
    } else {
      ++mine;
      ++open_;
      connections_[connection] = weak;
    }
    if (mine == 0) per_address_.erase(key);
  }
  if (metrics_ != nullptr) {
    if (refused != nullptr) {
      metrics_->http_refused_connections.Add({{"reason", refused}}).Increment();
    } else {
      metrics_->http_connections.Increment();
    }
  }
  return refused == nullptr;
}

void HttpServer::Release(Connection* connection, const std::string& key) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (connections_.erase(connection) == 0) return;  // never admitted
    auto it = per_address_.find(key);
    if (it != per_address_.end() && --it->second <= 0) per_address_.erase(it);
    --open_;
  }
  if (metrics_ != nullptr) metrics_->http_connections.Decrement();
}

void HttpServer::BeginRequest() {
  std::lock_guard<std::mutex> lock(mu_);
  ++in_flight_;
}

void HttpServer::EndRequest() {
  std::lock_guard<std::mutex> lock(mu_);
  if (--in_flight_ == 0) drained_.notify_all();
}

void HttpServer::Accept() {
  Loops& loops = *loops_;
  asio::io_context& target =
      *loops.contexts[loops.next++ % loops.contexts.size()];
  loops.acceptor->async_accept(target, [this, &target](const error_code& ec,
                                                       tcp::socket socket) {
    Loops& loops = *loops_;
    if (ec == asio::error::operation_aborted || !loops.acceptor->is_open()) {
      return;
    }
    if (ec) {
      // Typically out of descriptors: retry shortly rather than spin.
      const absl::Time now = absl::Now();
      if (now - loops.last_accept_warning > absl::Seconds(10)) {
        loops.last_accept_warning = now;
        spdlog::warn("HTTP accept failed: {}", ec.message());
      }
      loops.accept_retry->expires_after(std::chrono::milliseconds(100));
      loops.accept_retry->async_wait([this](const error_code& e) {
        if (!e) Accept();
      });
      return;
    }
    error_code peer_ec;
    const tcp::endpoint remote = socket.remote_endpoint(peer_ec);
    if (!peer_ec) {
      std::string peer = PeerOf(remote);
      std::string key = AddressKey(peer);
      auto connection = std::make_shared<Connection>(this, std::move(socket),
                                                     std::move(peer), key);
      if (Admit(connection.get(), connection, key)) {
        asio::post(target, [connection] { connection->Start(); });
      }
    }
    Accept();
  });
}

absl::Status HttpServer::Start() {
  // host:port, [v6]:port.
  const std::string& address = options_.address;
  const size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("HTTP: bad listen address ", address));
  }
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty() || host == "*") host = "0.0.0.0";
  if (host == "localhost") host = "127.0.0.1";
  error_code ec;
  const asio::ip::address ip = asio::ip::make_address(host, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("HTTP: bad listen host ", host));
  }

  // Each connection is a descriptor: the cap stays below the limit, which
  // is raised as far as allowed.
  max_connections_ = std::max(1, options_.max_connections);
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    const rlim_t wanted = max_connections_ + kReservedDescriptors;
    if (limit.rlim_cur < wanted && limit.rlim_cur < limit.rlim_max) {
      limit.rlim_cur = std::min(wanted, limit.rlim_max);
      setrlimit(RLIMIT_NOFILE, &limit);
      getrlimit(RLIMIT_NOFILE, &limit);
    }
    const rlim_t usable = limit.rlim_cur > 2 * kReservedDescriptors
                              ? limit.rlim_cur - kReservedDescriptors
                              : limit.rlim_cur / 2;
    if (static_cast<rlim_t>(max_connections_) > usable) {
      spdlog::warn("HTTP: at most {} connections (descriptor limit {}), not {}",
                   usable, limit.rlim_cur, max_connections_);
      max_connections_ = static_cast<int>(usable);
    }
  }

  loops_ = std::make_unique<Loops>();
  const int threads = std::max(1, options_.io_threads);
  for (int i = 0; i < threads; ++i) {
    loops_->contexts.push_back(std::make_unique<asio::io_context>(1));
    loops_->guards.push_back(asio::make_work_guard(*loops_->contexts.back()));
  }
  asio::io_context& first = *loops_->contexts.front();
  loops_->acceptor = std::make_unique<tcp::acceptor>(first);
  loops_->accept_retry = std::make_unique<asio::steady_timer>(first);
  const tcp::endpoint endpoint(ip, static_cast<uint16_t>(port));
  tcp::acceptor& acceptor = *loops_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    loops_.reset();
    return absl::UnavailableError(
        absl::StrCat("HTTP: cannot listen on ", address, ": ", ec.message()));
  }
  port_ = acceptor.local_endpoint().port();
  for (auto& context : loops_->contexts) {
    threads_.emplace_back([context = context.get()] { context->run(); });
  }
  asio::post(first, [this] { Accept(); });
  return absl::OkStatus();
}

void HttpServer::Stop() {
  if (loops_ == nullptr || stopped_) return;
  stopped_ = true;
  asio::post(*loops_->contexts.front(), [this] {
    error_code ec;
    loops_->acceptor->close(ec);
    loops_->accept_retry->cancel();
  });
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [raw, weak] : connections_) {
      if (auto connection = weak.lock()) open.push_back(std::move(connection));
    }
  }
  // Outside the lock: the last reference may be dropped here, and a
  // connection's destructor takes the lock.
  for (auto& connection : open) {
    asio::post(connection->executor(), [connection] { connection->Close(); });
  }
  open.clear();
  // Answers in flight end with their backend deadlines.
  {
    std::unique_lock<std::mutex> lock(mu_);
    drained_.wait(lock, [this] { return in_flight_ == 0; });
  }
  for (auto& guard : loops_->guards) guard.reset();
  for (auto& context : loops_->contexts) context->stop();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  // Destroys the connections still referenced by pending handlers while
  // this object is whole.
  loops_.reset();
}

}  // namespace qpp::gateway
