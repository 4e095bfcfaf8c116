#include "services/gateway/src/gateway.h"

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/metrics/metrics.h"
#include "common/status/status.h"
#include "services/gateway/src/apis.h"
#include "spdlog/spdlog.h"

namespace qpp::gateway {
namespace {

constexpr const char* kProtocolNames[] = {"grpc", "http"};

bool SplitMethod(absl::string_view full, absl::string_view* service,
                 absl::string_view* method) {
  if (full.size() < 4 || full[0] != '/') return false;
  const size_t slash = full.find('/', 1);
  if (slash == absl::string_view::npos || slash == 1 ||
      slash + 1 == full.size() ||
      full.find('/', slash + 1) != absl::string_view::npos) {
    return false;
  }
  *service = full.substr(1, slash - 1);
  *method = full.substr(slash + 1);
  return true;
}

// The bytes of a message in one piece; empty on failure.
grpc::Slice Flatten(const grpc::ByteBuffer& message) {
  grpc::Slice slice;
  if (!message.DumpToSingleSlice(&slice).ok()) return grpc::Slice();
  return slice;
}

absl::string_view View(const grpc::Slice& slice) {
  return absl::string_view(reinterpret_cast<const char*>(slice.begin()),
                           slice.size());
}

}  // namespace

std::string NewRequestId() {
  thread_local absl::BitGen gen;
  const uint64_t hi = absl::Uniform<uint64_t>(gen);
  const uint64_t lo = absl::Uniform<uint64_t>(gen);
  return absl::StrFormat("%08x-%04x-4%03x-%04x-%012x",
                         static_cast<uint32_t>(hi >> 32),
                         static_cast<uint32_t>((hi >> 16) & 0xffff),
                         static_cast<uint32_t>(hi & 0x0fff),
                         static_cast<uint32_t>(0x8000 | ((lo >> 48) & 0x3fff)),
                         lo & 0xffffffffffffULL);
}

bool IsReservedMetadata(absl::string_view key) {
  if (key.empty() || key[0] == ':' || absl::StartsWith(key, "grpc-")) {
    return true;
  }
  absl::string_view base = key;
  absl::ConsumeSuffix(&base, "-bin");
  return base == kApiKeyHeader || base == "authorization" ||
         base == kPrincipalHeader || base == kRoleHeader ||
         base == kDistrictHeader || base == kRequestIdHeader ||
         key == "user-agent" || key == "content-type" || key == "te" ||
         key == "host";
}

bool IsMutationName(absl::string_view method) {
  for (absl::string_view prefix :
       {"Get", "List", "Search", "BatchGet", "Verify", "Check", "Watch"}) {
    if (absl::StartsWith(method, prefix)) return false;
  }
  return true;
}

Gateway::Gateway(GatewayOptions options, const ApiKeyStore* keys,
                 const Policy* policy, RateLimiter* limiter, AuditWriter* audit,
                 BackendSet* backends, GatewayMetrics* metrics)
    : options_(options),
      credentials_(std::make_shared<const Credentials>(Credentials{
          // Not owned: the caller keeps them alive.
          std::shared_ptr<const ApiKeyStore>(keys, [](const ApiKeyStore*) {}),
          std::shared_ptr<const Policy>(policy, [](const Policy*) {})})),
      limiter_(limiter),
      audit_(audit),
      backends_(backends),
      metrics_(metrics),
      public_methods_(options_.public_methods.begin(),
                      options_.public_methods.end()) {}

std::shared_ptr<const Gateway::Credentials> Gateway::credentials() const {
  std::lock_guard<std::mutex> lock(credentials_mu_);
  return credentials_;
}

void Gateway::BeginDrain(absl::Duration listeners_close_in) {
  listeners_close_unix_ms_ =
      absl::ToUnixMillis(absl::Now() + listeners_close_in);
  draining_ = true;
}

void Gateway::Reload(std::shared_ptr<const ApiKeyStore> keys,
                     std::shared_ptr<const Policy> policy) {
  auto fresh = std::make_shared<const Credentials>(
      Credentials{std::move(keys), std::move(policy)});
  std::lock_guard<std::mutex> lock(credentials_mu_);
  credentials_ = std::move(fresh);
}

void Gateway::AddKnownService(
    const google::protobuf::ServiceDescriptor* service) {
  for (int i = 0; i < service->method_count(); ++i) {
    const google::protobuf::MethodDescriptor* m = service->method(i);
    auto info = std::make_unique<MethodInfo>();
    info->full_name = absl::StrCat("/", service->full_name(), "/", m->name());
    info->service = service->full_name();
    info->method = m->name();
    info->descriptor = m;
    info->unary = !m->client_streaming() && !m->server_streaming();
    info->mutation = IsMutationName(m->name());
    info->resources = ResourceRule::ForMethod(m);
    info->metric_service = info->service;
    info->metric_method = info->method;
    if (metrics_ != nullptr) {
      for (int p = 0; p < 2; ++p) {
        info->seconds[p] =
            &metrics_->request_seconds.Add({{"protocol", kProtocolNames[p]},
                                            {"grpc_service", info->service},
                                            {"grpc_method", info->method}},
                                           GatewayMetrics::Buckets());
      }
    }
    methods_[info->full_name] = std::move(info);
  }
}

const MethodInfo* Gateway::FindMethod(absl::string_view full_method) const {
  auto it = methods_.find(std::string(full_method));
  return it == methods_.end() ? nullptr : it->second.get();
}

absl::Status Gateway::Authenticate(const Inbound& in, Admission* out) {
  absl::Status s = Authenticate(in, *credentials(), out);
  out->refused = !s.ok();
  return s;
}

absl::Status Gateway::Authenticate(const Inbound& in, const Credentials& creds,
                                   Admission* out) {
  out->start = absl::Now();
  out->request_id =
      IsValidRequestId(in.request_id) ? in.request_id : NewRequestId();
  out->method = FindMethod(in.full_method);
  out->client_label = "anonymous";
  // Abuse limit before authentication, so that a spent budget costs no key
  // check.
  if (refusals_ != nullptr) {
    if (absl::Status s = refusals_->Check(in.peer); !s.ok()) return s;
  }
  // An API key if one is sent (it names the client explicitly), else a
  // verified client certificate.
  if (!in.api_key.empty()) {
    auto client = creds.keys->Verify(in.api_key);
    if (!client.ok()) return client.status();
    out->principal = *std::move(client);
    out->client_label = out->principal;
    return absl::OkStatus();
  }
  if (!in.cert_identity.empty()) {
    out->principal = absl::StrCat("cert:", in.cert_identity);
    out->client_label = creds.policy->Knows(out->principal)
                            ? out->principal
                            : std::string("unknown");
    return absl::OkStatus();
  }
  // No credentials at all: only a public method, as the anonymous
  // principal. A wrong key was refused above, public method or not.
  if (public_methods_.count(in.full_method) > 0) {
    out->principal = kAnonymousPrincipal;
    out->anonymous = true;
    return absl::OkStatus();
  }
  return status::WithReason(absl::StatusCode::kUnauthenticated,
                            "MISSING_CREDENTIALS",
                            "send an API key in x-api-key or "
                            "\"authorization: Bearer <key>\"");
}

absl::Status Gateway::Admit(const Inbound& in, Admission* out) {
  auto reject = [&](absl::string_view reason, absl::Status s) {
    if (metrics_ != nullptr) {
      metrics_->rejected.Add({{"reason", std::string(reason)}}).Increment();
    }
    return s;
  };
  const std::shared_ptr<const Credentials> creds = credentials();
  if (absl::Status s = Authenticate(in, *creds, out); !s.ok()) {
    out->refused = true;
    return reject(s.code() == absl::StatusCode::kResourceExhausted
                      ? "refusal_budget"
                      : "unauthenticated",
                  s);
  }

  // Authorisation.
  absl::string_view service, method;
  if (!SplitMethod(in.full_method, &service, &method)) {
    out->refused = true;
    return reject(
        "permission_denied",
        status::WithReason(absl::StatusCode::kPermissionDenied,
                           "METHOD_NOT_ALLOWED", "malformed method name"));
  }
  if (absl::Status s =
          creds->policy->Authorize(out->principal, service, method);
      !s.ok()) {
    out->refused = true;
    return reject("permission_denied", s);
  }
  Policy::Attributes attributes = creds->policy->AttributesOf(out->principal);
  out->roles = std::move(attributes.roles);
  out->district = std::move(attributes.district);
  out->upstream = backends_->Find(service);
  if (out->upstream == nullptr) {
    return reject("not_found", absl::UnimplementedError(absl::StrCat(
                                   "no backend serves ", service)));
  }

  // Anonymous callers share no bucket: each client address has its own.
  const std::string bucket =
      out->anonymous
          ? absl::StrCat(kAnonymousPrincipal, "@", AddressKey(in.peer))
          : out->principal;
  if (absl::Status s = limiter_->Acquire(
          bucket, creds->policy->RateLimitFor(out->principal));
      !s.ok()) {
    return reject("rate_limited", s);
  }

  if (draining_.load(std::memory_order_relaxed)) {
    // Retry once the listeners have closed and a restarted instance (or
    // another replica) can take the call.
    constexpr int64_t kRestartMarginMs = 500;
    const int64_t wait_ms =
        std::max<int64_t>(0, listeners_close_unix_ms_.load() -
                                 absl::ToUnixMillis(absl::Now())) +
        kRestartMarginMs;
    return reject("draining",
                  status::WithRetryDelay(
                      status::WithReason(absl::StatusCode::kUnavailable,
                                         "GATEWAY_DRAINING",
                                         "the gateway is shutting down; retry"),
                      wait_ms));
  }

  const bool mutation =
      out->method != nullptr ? out->method->mutation : IsMutationName(method);
  if (mutation && !audit_->Writable()) {
    return reject("audit_unavailable",
                  status::WithReason(absl::StatusCode::kUnavailable,
                                     "AUDIT_LOG_UNAVAILABLE",
                                     "changes are refused while the audit log "
                                     "cannot be written; retry later"));
  }

  const auto now = std::chrono::system_clock::now();
  const auto cap = now + absl::ToChronoMilliseconds(options_.max_deadline);
  if (in.deadline == std::chrono::system_clock::time_point::max()) {
    out->deadline = now + absl::ToChronoMilliseconds(options_.default_deadline);
  } else {
    out->deadline = std::min(in.deadline, cap);
  }
  return absl::OkStatus();
}

void Gateway::PrepareClientContext(const Admission& a,
                                   grpc::ClientContext* ctx) const {
  ctx->set_deadline(a.deadline);
  ctx->set_wait_for_ready(false);
  ctx->AddMetadata(kRequestIdHeader, a.request_id);
  ctx->AddMetadata(kPrincipalHeader, a.principal);
  if (IsValidRoleList(a.roles)) ctx->AddMetadata(kRoleHeader, a.roles);
  if (!a.district.empty()) ctx->AddMetadata(kDistrictHeader, a.district);
}

void Gateway::NameRequestResources(const MethodInfo& method,
                                   const grpc::ByteBuffer& request,
                                   CallResources* out) {
  method.resources.AddRequest(View(Flatten(request)), out);
}

void Gateway::NameResponseResources(const MethodInfo& method,
                                    const grpc::ByteBuffer& response,
                                    CallResources* out) {
  if (!method.resources.reads_response()) return;
  method.resources.AddResponse(View(Flatten(response)), out);
}

grpc::Status Gateway::SanitizeUpstreamStatus(const Admission& a,
                                             grpc::Status status,
                                             bool caller_cancelled) {
  if (status.error_code() == grpc::StatusCode::CANCELLED && !caller_cancelled) {
    // Nobody here cancelled it: the backend's server dropped the call (a
    // call that reached it while it was shutting down). Like UNAVAILABLE,
    // it may or may not have run; a retry with the request id is safe.
    spdlog::debug("upstream cancelled the call: {}", status.error_message());
    const std::string service =
        a.method != nullptr ? a.method->service : std::string("the service");
    return grpc::Status(
        grpc::StatusCode::UNAVAILABLE,
        absl::StrCat(service, " dropped the call; retry later"));
  }
  if (status.error_code() != grpc::StatusCode::UNAVAILABLE ||
      !status.error_details().empty()) {
    return status;
  }
  spdlog::debug("upstream unavailable: {}", status.error_message());
  const std::string service =
      a.method != nullptr ? a.method->service : std::string("the service");
  return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                      absl::StrCat(service, " is unavailable; retry later"));
}

OutboundCall Gateway::OutboundOf(const Admission& a) {
  return OutboundCall{a.principal, a.request_id, a.deadline};
}

Gateway::ClientSeries& Gateway::ClientSeriesOf(const std::string& client) {
  // Called with client_mu_ held.
  ClientSeries& c = clients_[client];
  if (c.seconds == nullptr) {
    c.seconds = &metrics_->client_seconds.Add({{"client", client}},
                                              GatewayMetrics::Buckets());
  }
  return c;
}

prometheus::Counter& Gateway::HandledOf(const MethodInfo* m, int protocol,
                                        int code) {
  auto add = [&] {
    return &metrics_->requests.Add(
        {{"protocol", kProtocolNames[protocol]},
         {"grpc_service", m != nullptr ? m->metric_service : "other"},
         {"grpc_method", m != nullptr ? m->metric_method : "other"},
         {"code", metrics::CodeName(code)}});
  };
  if (m == nullptr || code < 0 || code > 16) return *add();
  // Family::Add returns the same series for the same labels, so a race
  // here only costs a duplicate lookup.
  std::atomic<prometheus::Counter*>& slot =
      const_cast<MethodInfo*>(m)->handled[protocol][code];
  prometheus::Counter* c = slot.load(std::memory_order_acquire);
  if (c == nullptr) {
    c = add();
    slot.store(c, std::memory_order_release);
  }
  return *c;
}

void Gateway::Complete(const Admission& a, const Inbound& in, int code,
                       int http_status) {
  const absl::Time end = absl::Now();
  const absl::Duration latency = end - a.start;
  const double seconds = absl::ToDoubleSeconds(latency);
  const int p = static_cast<int>(in.protocol);
  if (metrics_ != nullptr) {
    const MethodInfo* m = a.method;
    HandledOf(m, p, code).Increment();
    if (m != nullptr) m->seconds[p]->Observe(seconds);
    prometheus::Counter* client_handled;
    prometheus::Histogram* client_seconds;
    {
      std::lock_guard<std::mutex> lock(client_mu_);
      ClientSeries& c = ClientSeriesOf(a.client_label);
      const int slot = code >= 0 && code <= 16 ? code : 2;  // 2 = UNKNOWN
      if (c.handled[slot] == nullptr) {
        c.handled[slot] = &metrics_->client_requests.Add(
            {{"client", a.client_label}, {"code", metrics::CodeName(slot)}});
      }
      client_handled = c.handled[slot];
      client_seconds = c.seconds;
    }
    client_handled->Increment();
    client_seconds->Observe(seconds);
  }
  // A refused call past its address's allowance is only counted.
  if (refusals_ != nullptr && a.refused &&
      !refusals_->Record(in.peer, kProtocolNames[p], code)) {
    return;
  }
  AuditRecord r;
  r.time = a.start;
  r.request_id = a.request_id;
  r.principal = a.principal;
  r.client_address = in.peer;
  r.protocol = kProtocolNames[p];
  r.method = in.full_method;
  r.resources = a.resources.names;
  r.resource_count = a.resources.count;
  r.code = code;
  r.http_status = http_status;
  r.latency = latency;
  if (absl::Status s = audit_->Write(r); !s.ok()) {
    spdlog::error("audit write failed: {}", std::string(s.message()));
  }
}

}  // namespace qpp::gateway
