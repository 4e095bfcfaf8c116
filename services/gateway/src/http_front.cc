#include "services/gateway/src/http_front.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/grpc_status.h"
#include "common/status/status.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "services/gateway/src/http_target.h"
#include "spdlog/spdlog.h"

namespace qpp::gateway {
namespace {

// Seconds to put into Retry-After for a RESOURCE_EXHAUSTED status.
int RetryAfterSeconds(const grpc::Status& s) {
  google::rpc::Status proto;
  if (s.error_details().empty() || !proto.ParseFromString(s.error_details())) {
    return 1;
  }
  for (const auto& any : proto.details()) {
    google::rpc::RetryInfo retry;
    if (any.UnpackTo(&retry)) {
      const double seconds =
          retry.retry_delay().seconds() + retry.retry_delay().nanos() / 1e9;
      return std::max(1, static_cast<int>(std::ceil(seconds)));
    }
  }
  return 1;
}

HttpReply ErrorReply(const grpc::Status& s, int http_status = 0) {
  HttpReply r;
  r.status =
      http_status != 0
          ? http_status
          : status::HttpStatusOf(static_cast<absl::StatusCode>(s.error_code()));
  r.body = StatusToJson(s);
  if (s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
    r.headers.emplace_back("Retry-After", std::to_string(RetryAfterSeconds(s)));
  }
  if (r.status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

// A refused path as the audit log may hold it: at most 256 bytes, those
// outside visible ASCII percent-encoded (escapes already there are kept).
std::string PrintablePath(absl::string_view path) {
  std::string out;
  for (unsigned char c : path.substr(0, 256)) {
    if (c <= 0x20 || c >= 0x7f) {
      absl::StrAppendFormat(&out, "%%%02X", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

}  // namespace

bool ParseGrpcTimeout(absl::string_view text, absl::Duration* out) {
  if (text.size() < 2 || text.size() > 9) return false;
  int64_t value;
  if (!absl::SimpleAtoi(text.substr(0, text.size() - 1), &value) || value < 0) {
    return false;
  }
  switch (text.back()) {
    case 'H':
      *out = absl::Hours(value);
      return true;
    case 'M':
      *out = absl::Minutes(value);
      return true;
    case 'S':
      *out = absl::Seconds(value);
      return true;
    case 'm':
      *out = absl::Milliseconds(value);
      return true;
    case 'u':
      *out = absl::Microseconds(value);
      return true;
    case 'n':
      *out = absl::Nanoseconds(value);
      return true;
    default:
      return false;
  }
}

// One request through the core; shared with the backend's callback.
struct HttpFront::Call {
  Inbound in;
  Admission admission;
  HttpResponder respond;
  const HttpRoute* route = nullptr;
  grpc::ClientContext context;
  grpc::ByteBuffer request;
  grpc::ByteBuffer response;
};

HttpFront::HttpFront(Gateway* gateway, const Transcoder* transcoder,
                     HttpOptions options)
    : gateway_(gateway),
      transcoder_(transcoder),
      options_(std::move(options)) {}

HttpFront::~HttpFront() { Stop(); }

absl::Status HttpFront::Start() {
  HttpServerOptions o;
  o.address = options_.address;
  o.io_threads = options_.threads;
  o.max_connections = options_.max_connections;
  o.max_connections_per_address = options_.max_connections_per_address;
  o.header_timeout = options_.header_timeout;
  o.idle_timeout = options_.idle_timeout;
  o.body_timeout = options_.body_timeout;
  o.write_timeout = options_.write_timeout;
  o.limits.max_body_bytes = options_.max_body_bytes;
  o.limits.max_header_bytes = options_.max_header_bytes;
  o.limits.max_header_fields = options_.max_header_fields;
  server_ = std::make_unique<HttpServer>(
      o,
      [this](HttpRequest request, HttpResponder respond) {
        Handle(std::move(request), std::move(respond));
      },
      [this](const HttpRejection& r) { return Reject(r); },
      gateway_->metrics());
  if (absl::Status s = server_->Start(); !s.ok()) {
    server_.reset();
    return s;
  }
  spdlog::info("HTTP/JSON listening on {} (port {}, {} event loops)",
               options_.address, server_->port(), options_.threads);
  return absl::OkStatus();
}

int HttpFront::port() const { return server_ == nullptr ? 0 : server_->port(); }

void HttpFront::Stop() {
  if (server_ != nullptr) server_->Stop();
}

HttpReply HttpFront::Reject(const HttpRejection& rejection) {
  // Recorded like a call refused before authentication: it spends the
  // address's refusal budget and audit allowance.
  Inbound in;
  in.protocol = Protocol::kHttp;
  in.peer = rejection.peer;
  in.full_method = "(malformed HTTP request)";
  Admission a;
  a.start = absl::Now();
  a.request_id = NewRequestId();
  a.client_label = "anonymous";
  a.refused = true;
  const grpc::Status s(grpc::StatusCode::INVALID_ARGUMENT, rejection.message);
  HttpReply reply = ErrorReply(s, rejection.status);
  reply.headers.emplace_back("X-Request-Id", a.request_id);
  gateway_->Complete(a, in, s.error_code(), rejection.status);
  return reply;
}

void HttpFront::Finish(Call& call, HttpReply reply, int grpc_code) {
  if (!call.admission.request_id.empty()) {
    reply.headers.emplace_back("X-Request-Id", call.admission.request_id);
  }
  // Recorded before the caller learns the outcome.
  gateway_->Complete(call.admission, call.in, grpc_code, reply.status);
  call.respond(std::move(reply));
}

void HttpFront::Fail(Call& call, const grpc::Status& status, int http_status) {
  Finish(call, ErrorReply(status, http_status), status.error_code());
}

void HttpFront::Handle(HttpRequest request, HttpResponder respond) {
  const std::string& verb = request.method;
  const absl::string_view target = request.target;
  const size_t question = target.find('?');
  const absl::string_view path = target.substr(0, question);
  const absl::string_view query = question == absl::string_view::npos
                                      ? absl::string_view()
                                      : target.substr(question + 1);

  if (verb == "GET" &&
      (path == "/openapi.json" || path == "/v1/openapi.json")) {
    if (options_.openapi_json.empty()) {
      return respond(ErrorReply(grpc::Status(
          grpc::StatusCode::NOT_FOUND, "no OpenAPI document is installed")));
    }
    HttpReply r;
    r.body = options_.openapi_json;
    return respond(std::move(r));
  }
  if (verb == "GET" && path == "/healthz") {
    HttpReply r;
    const bool up = !options_.serving || options_.serving();
    r.status = up ? 200 : 503;
    r.body = up ? R"({"status":"SERVING"})" : R"({"status":"NOT_SERVING"})";
    return respond(std::move(r));
  }

  auto call = std::make_shared<Call>();
  call->respond = std::move(respond);
  Inbound& in = call->in;
  in.protocol = Protocol::kHttp;
  in.peer = request.peer;
  in.api_key = std::string(request.Header("X-Api-Key"));
  if (in.api_key.empty()) {
    const absl::string_view auth = request.Header("Authorization");
    if (auth.size() > 7 &&
        absl::EqualsIgnoreCase(auth.substr(0, 7), "bearer ")) {
      in.api_key = std::string(absl::StripAsciiWhitespace(auth.substr(7)));
    }
  }
  in.request_id = std::string(request.Header("X-Request-Id"));
  const absl::string_view timeout = request.Header("Grpc-Timeout");
  absl::Duration d;
  const bool bad_timeout = !timeout.empty() && !ParseGrpcTimeout(timeout, &d);
  if (!timeout.empty() && !bad_timeout) {
    in.deadline =
        std::chrono::system_clock::now() + absl::ToChronoNanoseconds(d);
  }

  // Refused before routing: the route must be the one the URL names.
  absl::Status target_ok = CheckRequestPath(path);
  if (target_ok.ok()) target_ok = CheckQuery(query);
  if (!target_ok.ok()) {
    in.full_method = absl::StrCat(verb, " ", PrintablePath(path));
    if (absl::Status s = gateway_->Authenticate(in, &call->admission);
        s.code() == absl::StatusCode::kResourceExhausted) {
      return Fail(*call, status::ToGrpcStatus(s));
    }
    return Fail(*call, status::ToGrpcStatus(target_ok), 400);
  }

  auto match = transcoder_->Match(verb, path);
  if (!match.ok()) {
    in.full_method = absl::StrCat(verb, " ", path);
    // Authenticated for the audit line's principal; a spent refusal budget
    // answers 429 rather than 404.
    if (absl::Status s = gateway_->Authenticate(in, &call->admission);
        s.code() == absl::StatusCode::kResourceExhausted) {
      return Fail(*call, status::ToGrpcStatus(s));
    }
    const bool not_allowed =
        match.status().code() == absl::StatusCode::kUnimplemented;
    return Fail(*call,
                status::ToGrpcStatus(
                    absl::Status(not_allowed ? absl::StatusCode::kUnimplemented
                                             : absl::StatusCode::kNotFound,
                                 match.status().message())),
                not_allowed ? 405 : 404);
  }
  const HttpRoute& route = *match->route;
  call->route = &route;
  in.full_method = route.full_method;

  if (absl::Status s = gateway_->Admit(in, &call->admission); !s.ok()) {
    return Fail(*call, status::ToGrpcStatus(s));
  }
  if (bad_timeout) {
    return Fail(*call, grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                    "Grpc-Timeout must read like 500m or 5S"));
  }
  if (route.client_streaming || route.server_streaming) {
    // The protos give streaming methods no HTTP binding (the import stream's
    // HTTP path is BatchCreateOrganizations); this guards a binding added by
    // mistake.
    return Fail(
        *call, grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                            absl::StrCat("streaming method ", route.full_method,
                                         " is available over gRPC "
                                         "only")));
  }
  Forward(std::move(call), *match, request);
}

void HttpFront::Forward(std::shared_ptr<Call> call, const RouteMatch& match,
                        const HttpRequest& request) {
  const absl::string_view target = request.target;
  const size_t question = target.find('?');
  const absl::string_view query = question == absl::string_view::npos
                                      ? absl::string_view()
                                      : target.substr(question + 1);
  std::string request_bytes;
  if (absl::Status s =
          transcoder_->BuildRequest(match, query, request.body, &request_bytes);
      !s.ok()) {
    return Fail(*call, status::ToGrpcStatus(s));
  }
  // The same names as over gRPC: path variables, body and query alike.
  if (call->admission.method != nullptr) {
    call->admission.method->resources.AddRequest(request_bytes,
                                                 &call->admission.resources);
  }

  grpc::Slice slice(request_bytes);
  call->request = grpc::ByteBuffer(&slice, 1);
  gateway_->PrepareClientContext(call->admission, &call->context);
  // grpc-gateway's convention: "Grpc-Metadata-<key>" headers travel as
  // metadata <key>; the gateway's own headers cannot be set this way.
  for (const auto& [name, value] : request.headers) {
    constexpr absl::string_view kPrefix = "grpc-metadata-";
    if (name.size() <= kPrefix.size() ||
        !absl::EqualsIgnoreCase(
            absl::string_view(name).substr(0, kPrefix.size()), kPrefix)) {
      continue;
    }
    const std::string key =
        absl::AsciiStrToLower(absl::string_view(name).substr(kPrefix.size()));
    // Binary values do not travel in HTTP/1.1 headers.
    if (IsReservedMetadata(key) || absl::StartsWith(key, "grpc-") ||
        absl::EndsWith(key, "-bin")) {
      continue;
    }
    call->context.AddMetadata(key, value);
  }
  // Asynchronous: the event loop goes on; the answer is written from the
  // backend's callback.
  Call* raw = call.get();
  raw->admission.upstream->CallUnary(
      Gateway::OutboundOf(raw->admission), &raw->context,
      raw->route->full_method, &raw->request, &raw->response,
      [this, call = std::move(call)](grpc::Status status) {
        if (!status.ok()) {
          return Fail(*call, Gateway::SanitizeUpstreamStatus(
                                 call->admission, std::move(status)));
        }
        if (call->admission.method != nullptr) {
          Gateway::NameResponseResources(*call->admission.method,
                                         call->response,
                                         &call->admission.resources);
        }
        HttpReply reply;
        if (absl::Status s = transcoder_->ResponseToJson(
                *call->route, call->response, &reply.body);
            !s.ok()) {
          return Fail(*call, status::ToGrpcStatus(s));
        }
        Finish(*call, std::move(reply), 0);
      });
}

}  // namespace qpp::gateway
