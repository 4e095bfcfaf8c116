#include "bench/baseline/civetweb_front.h"

#include <civetweb.h>

#include <cmath>
#include <future>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/status/grpc_status.h"
#include "common/status/status.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "spdlog/spdlog.h"

namespace qpp::gateway::baseline {
namespace {

std::string Header(mg_connection* conn, const char* name) {
  const char* v = mg_get_header(conn, name);
  return v == nullptr ? std::string() : std::string(v);
}

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

struct Reply {
  int http_status = 200;
  std::string body;
  std::string request_id;
  int retry_after = 0;
  bool close = false;
  const char* content_type = "application/json";
};

// Headers and body in one write: a separate small write of the body would
// wait for the delayed ACK of the headers on a keep-alive connection.
void Send(mg_connection* conn, const Reply& r) {
  std::string out = absl::StrCat(
      "HTTP/1.1 ", r.http_status, " ",
      mg_get_response_code_text(conn, r.http_status),
      "\r\nContent-Type: ", r.content_type,
      "\r\nContent-Length: ", r.body.size(),
      "\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n");
  if (!r.request_id.empty()) {
    absl::StrAppend(&out, "X-Request-Id: ", r.request_id, "\r\n");
  }
  if (r.retry_after > 0)
    absl::StrAppend(&out, "Retry-After: ", r.retry_after, "\r\n");
  if (r.http_status == 401) out.append("WWW-Authenticate: Bearer\r\n");
  if (r.close) out.append("Connection: close\r\n");
  out.append("\r\n");
  out.append(r.body);
  mg_write(conn, out.data(), out.size());
}

Reply ErrorReply(const grpc::Status& s, int http_status = 0) {
  Reply r;
  r.http_status =
      http_status != 0
          ? http_status
          : status::HttpStatusOf(static_cast<absl::StatusCode>(s.error_code()));
  r.body = StatusToJson(s);
  if (s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
    r.retry_after = RetryAfterSeconds(s);
  }
  return r;
}

}  // namespace

CivetwebFront::CivetwebFront(Gateway* gateway, const Transcoder* transcoder,
                             CivetwebOptions options)
    : gateway_(gateway),
      transcoder_(transcoder),
      options_(std::move(options)) {}

CivetwebFront::~CivetwebFront() { Stop(); }

absl::Status CivetwebFront::Start() {
  mg_init_library(0);
  const std::string threads = std::to_string(options_.threads);
  const char* opts[] = {"listening_ports",
                        options_.address.c_str(),
                        "num_threads",
                        threads.c_str(),
                        "enable_keep_alive",
                        "yes",
                        "keep_alive_timeout_ms",
                        "60000",
                        "request_timeout_ms",
                        "30000",
                        "tcp_nodelay",
                        "1",
                        nullptr};
  mg_callbacks callbacks{};
  ctx_ = mg_start(&callbacks, this, opts);
  if (ctx_ == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("HTTP: cannot listen on ", options_.address));
  }
  mg_set_request_handler(ctx_, "**", &CivetwebFront::Dispatch, this);
  spdlog::info("HTTP/JSON listening on {}", options_.address);
  return absl::OkStatus();
}

void CivetwebFront::Stop() {
  if (ctx_ != nullptr) {
    mg_stop(ctx_);
    ctx_ = nullptr;
  }
}

int CivetwebFront::Dispatch(mg_connection* conn, void* self) {
  return static_cast<CivetwebFront*>(self)->Handle(conn);
}

int CivetwebFront::Handle(mg_connection* conn) {
  const mg_request_info* ri = mg_get_request_info(conn);
  const std::string verb = ri->request_method ? ri->request_method : "";
  const std::string path = ri->local_uri_raw ? ri->local_uri_raw : "";
  const absl::string_view query = ri->query_string ? ri->query_string : "";

  if (verb == "GET" &&
      (path == "/openapi.json" || path == "/v1/openapi.json")) {
    Reply r;
    if (options_.openapi_json.empty()) {
      r = ErrorReply(grpc::Status(grpc::StatusCode::NOT_FOUND,
                                  "no OpenAPI document is installed"));
    } else {
      r.body = options_.openapi_json;
    }
    Send(conn, r);
    return r.http_status;
  }

  if (verb == "GET" && path == "/healthz") {
    Reply r;
    const bool up = !options_.serving || options_.serving();
    r.http_status = up ? 200 : 503;
    r.body = up ? R"({"status":"SERVING"})" : R"({"status":"NOT_SERVING"})";
    Send(conn, r);
    return r.http_status;
  }

  Inbound in;
  in.protocol = Protocol::kHttp;
  in.peer = absl::StrCat(ri->remote_addr, ":", ri->remote_port);
  in.api_key = Header(conn, "X-Api-Key");
  if (in.api_key.empty()) {
    const std::string auth = Header(conn, "Authorization");
    if (auth.size() > 7 &&
        absl::EqualsIgnoreCase(auth.substr(0, 7), "bearer ")) {
      in.api_key = std::string(absl::StripAsciiWhitespace(auth.substr(7)));
    }
  }
  in.request_id = Header(conn, "X-Request-Id");
  const std::string timeout = Header(conn, "Grpc-Timeout");
  absl::Duration d;
  const bool bad_timeout = !timeout.empty() && !ParseGrpcTimeout(timeout, &d);
  if (!timeout.empty() && !bad_timeout) {
    in.deadline =
        std::chrono::system_clock::now() + absl::ToChronoNanoseconds(d);
  }

  Admission admission;
  Reply reply;
  auto finish = [&](Reply r, int grpc_code) {
    r.request_id = admission.request_id;
    // Recorded before the caller learns the outcome.
    gateway_->Complete(admission, in, grpc_code, r.http_status);
    Send(conn, r);
    return r.http_status;
  };
  auto fail = [&](const grpc::Status& s, int http_status = 0) {
    Reply r = ErrorReply(s, http_status);
    // A body we did not read must not be taken for the next request.
    r.close = http_status == 413;
    return finish(std::move(r), s.error_code());
  };

  auto match = transcoder_->Match(verb, path);
  if (!match.ok()) {
    in.full_method = absl::StrCat(verb, " ", path);
    (void)gateway_->Authenticate(in, &admission);
    const bool not_allowed =
        match.status().code() == absl::StatusCode::kUnimplemented;
    return fail(status::ToGrpcStatus(
                    absl::Status(not_allowed ? absl::StatusCode::kUnimplemented
                                             : absl::StatusCode::kNotFound,
                                 match.status().message())),
                not_allowed ? 405 : 404);
  }
  const HttpRoute& route = *match->route;
  in.full_method = route.full_method;

  if (absl::Status s = gateway_->Admit(in, &admission); !s.ok()) {
    return fail(status::ToGrpcStatus(s));
  }
  if (bad_timeout) {
    return fail(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                             "Grpc-Timeout must read like 500m or 5S"));
  }
  if (route.client_streaming || route.server_streaming) {
    return fail(grpc::Status(
        grpc::StatusCode::UNIMPLEMENTED,
        absl::StrCat("streaming method ", route.full_method,
                     " is available over gRPC only",
                     route.method->name() == "ImportOrganizations"
                         ? "; over HTTP use POST /v1/organizations:batchCreate"
                         : "")));
  }

  // Body, bounded.
  std::string body;
  if (ri->content_length > static_cast<long long>(options_.max_body_bytes)) {
    return fail(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                             absl::StrCat("the body exceeds ",
                                          options_.max_body_bytes, " bytes")),
                413);
  }
  char buf[16384];
  while (true) {
    const int n = mg_read(conn, buf, sizeof(buf));
    if (n <= 0) break;
    body.append(buf, n);
    if (body.size() > options_.max_body_bytes) {
      return fail(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                               absl::StrCat("the body exceeds ",
                                            options_.max_body_bytes, " bytes")),
                  413);
    }
  }

  std::string request_bytes;
  if (absl::Status s =
          transcoder_->BuildRequest(*match, query, body, &request_bytes);
      !s.ok()) {
    return fail(status::ToGrpcStatus(s));
  }
  // The same names as over gRPC, as the gateway's own front does.
  if (admission.method != nullptr) {
    admission.method->resources.AddRequest(request_bytes, &admission.resources);
  }

  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::ClientContext ctx;
  gateway_->PrepareClientContext(admission, &ctx);
  // grpc-gateway's convention: "Grpc-Metadata-<key>" headers travel as
  // metadata <key>; the gateway's own headers cannot be set this way.
  for (int i = 0; i < ri->num_headers; ++i) {
    absl::string_view name = ri->http_headers[i].name;
    constexpr absl::string_view kPrefix = "grpc-metadata-";
    if (name.size() <= kPrefix.size() ||
        !absl::EqualsIgnoreCase(name.substr(0, kPrefix.size()), kPrefix)) {
      continue;
    }
    const std::string key = absl::AsciiStrToLower(name.substr(kPrefix.size()));
    if (key == kApiKeyHeader || key == kPrincipalHeader ||
        key == kRequestIdHeader || key == "authorization" ||
        absl::StartsWith(key, "grpc-") || absl::EndsWith(key, "-bin")) {
      continue;
    }
    ctx.AddMetadata(key, ri->http_headers[i].value);
  }
  absl::Notification done;
  grpc::Status status;
  admission.upstream->CallUnary(Gateway::OutboundOf(admission), &ctx,
                                route.full_method, &request, &response,
                                [&](grpc::Status s) {
                                  status = std::move(s);
                                  done.Notify();
                                });
  done.WaitForNotification();
  if (!status.ok()) {
    return fail(Gateway::SanitizeUpstreamStatus(admission, std::move(status)));
  }
  if (absl::Status s =
          transcoder_->ResponseToJson(route, response, &reply.body);
      !s.ok()) {
    return fail(status::ToGrpcStatus(s));
  }
  return finish(std::move(reply), 0);
}

}  // namespace qpp::gateway::baseline
