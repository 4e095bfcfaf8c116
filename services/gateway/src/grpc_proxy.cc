#include "services/gateway/src/grpc_proxy.h"

#include <atomic>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "common/status/grpc_status.h"
#include "grpcpp/security/auth_context.h"

namespace qpp::gateway {
namespace {

absl::string_view View(const grpc::string_ref& s) {
  return absl::string_view(s.data(), s.size());
}

Inbound InboundOf(grpc::GenericCallbackServerContext* ctx) {
  Inbound in;
  in.protocol = Protocol::kGrpc;
  in.full_method = ctx->method();
  in.peer = ctx->peer();
  in.deadline = ctx->deadline();
  for (const auto& [k, v] : ctx->client_metadata()) {
    absl::string_view key = View(k);
    if (key == kApiKeyHeader) {
      in.api_key = std::string(View(v));
    } else if (key == "authorization" && in.api_key.empty()) {
      absl::string_view value = View(v);
      if (value.size() > 7 &&
          absl::EqualsIgnoreCase(value.substr(0, 7), "bearer ")) {
        in.api_key = std::string(absl::StripAsciiWhitespace(value.substr(7)));
      }
    } else if (key == kRequestIdHeader) {
      in.request_id = std::string(View(v));
    }
  }
  std::shared_ptr<const grpc::AuthContext> auth = ctx->auth_context();
  if (auth != nullptr && auth->IsPeerAuthenticated()) {
    // The peer identity of a verified certificate: its SANs if any, else
    // its common name. The first one names the principal.
    std::vector<grpc::string_ref> ids = auth->GetPeerIdentity();
    if (!ids.empty()) in.cert_identity = std::string(View(ids.front()));
  }
  return in;
}

void CopyClientMetadata(grpc::GenericCallbackServerContext* from,
                        grpc::ClientContext* to) {
  for (const auto& [k, v] : from->client_metadata()) {
    absl::string_view key = View(k);
    if (IsReservedMetadata(key)) continue;
    to->AddMetadata(std::string(key), std::string(View(v)));
  }
}

// Finishes at once with an admission error.
class RejectReactor final : public grpc::ServerGenericBidiReactor {
 public:
  RejectReactor(Gateway* gateway, grpc::GenericCallbackServerContext* ctx,
                Inbound in, Admission admission, const absl::Status& status)
      : gateway_(gateway),
        in_(std::move(in)),
        admission_(std::move(admission)),
        code_(static_cast<int>(status.code())) {
    ctx->AddInitialMetadata(kRequestIdHeader, admission_.request_id);
    // Recorded before the caller learns the outcome.
    gateway_->Complete(admission_, in_, code_, 0);
    Finish(status::ToGrpcStatus(status));
  }
  void OnDone() override { delete this; }

 private:
  Gateway* gateway_;
  Inbound in_;
  Admission admission_;
  int code_;
};

// One request, one response: read, call upstream, write and finish.
class UnaryReactor final : public grpc::ServerGenericBidiReactor {
 public:
  UnaryReactor(Gateway* gateway, grpc::GenericCallbackServerContext* ctx,
               Inbound in, Admission admission)
      : gateway_(gateway),
        ctx_(ctx),
        in_(std::move(in)),
        admission_(std::move(admission)) {
    ctx_->AddInitialMetadata(kRequestIdHeader, admission_.request_id);
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      Reply(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                         "the request message is missing"));
      return;
    }
    if (admission_.method != nullptr) {
      Gateway::NameRequestResources(*admission_.method, request_,
                                    &admission_.resources);
    }
    gateway_->PrepareClientContext(admission_, &client_ctx_);
    CopyClientMetadata(ctx_, &client_ctx_);
    admission_.upstream->CallUnary(
        Gateway::OutboundOf(admission_), &client_ctx_, in_.full_method,
        &request_, &response_, [this](grpc::Status s) {
          Reply(Gateway::SanitizeUpstreamStatus(admission_, std::move(s),
                                                cancelled_.load()));
        });
  }

  void OnCancel() override {
    cancelled_ = true;
    client_ctx_.TryCancel();
  }

  void OnDone() override { delete this; }

 private:
  void Reply(const grpc::Status& s) {
    code_ = s.error_code();
    if (s.ok() && admission_.method != nullptr) {
      Gateway::NameResponseResources(*admission_.method, response_,
                                     &admission_.resources);
    }
    // Recorded before the caller learns the outcome.
    gateway_->Complete(admission_, in_, code_, 0);
    if (s.ok()) {
      StartWriteAndFinish(&response_, grpc::WriteOptions(), s);
    } else {
      Finish(s);
    }
  }

  Gateway* gateway_;
  grpc::GenericCallbackServerContext* ctx_;
  Inbound in_;
  Admission admission_;
  grpc::ClientContext client_ctx_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  int code_ = grpc::StatusCode::CANCELLED;
  std::atomic<bool> cancelled_{false};  // by the caller
};

// Streams in both directions between the caller and the upstream.
//
// The upstream call is kept alive with a hold until no further operation
// will be started on it, so that no operation ever races its completion.
// All decisions are taken under one (recursive, in case a reaction runs
// inline) mutex.
class StreamReactor final : public grpc::ServerGenericBidiReactor {
 public:
  StreamReactor(Gateway* gateway, grpc::GenericCallbackServerContext* ctx,
                Inbound in, Admission admission)
      : gateway_(gateway),
        in_(std::move(in)),
        admission_(std::move(admission)),
        client_(this) {
    ctx->AddInitialMetadata(kRequestIdHeader, admission_.request_id);
    gateway_->PrepareClientContext(admission_, &client_ctx_);
    CopyClientMetadata(ctx, &client_ctx_);
    std::lock_guard<std::recursive_mutex> lock(mu_);
    admission_.upstream->streaming_stub()->PrepareBidiStreamingCall(
        &client_ctx_, in_.full_method, grpc::StubOptions(), &client_);
    client_.AddHold();
    upstream_read_in_flight_ = true;
    client_.StartRead(&down_);
    client_.StartCall();
    StartRead(&up_);
  }

  // Caller -> gateway.
  void OnReadDone(bool ok) override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    if (hold_released_) return;
    if (!ok) {
      caller_done_writing_ = true;
    } else if (!upstream_finished_reading_) {
      if (admission_.method != nullptr) {
        Gateway::NameRequestResources(*admission_.method, up_,
                                      &admission_.resources);
      }
      upstream_write_in_flight_ = true;
      client_.StartWrite(&up_);
      return;
    }
    MaybeReleaseLocked();
  }

  // Gateway -> upstream finished.
  void OnUpstreamWriteDone(bool ok) {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    upstream_write_in_flight_ = false;
    if (!ok) upstream_write_failed_ = true;
    if (ok && !upstream_finished_reading_ && !caller_done_writing_) {
      StartRead(&up_);
      return;
    }
    MaybeReleaseLocked();
  }

  // Upstream -> gateway.
  void OnUpstreamReadDone(bool ok) {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    upstream_read_in_flight_ = false;
    if (ok) {
      caller_write_in_flight_ = true;
      StartWrite(&down_);
      return;
    }
    upstream_finished_reading_ = true;
    MaybeReleaseLocked();
  }

  // Gateway -> caller finished.
  void OnWriteDone(bool ok) override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    caller_write_in_flight_ = false;
    if (upstream_done_) {
      FinishLocked();
      return;
    }
    if (!ok) {
      // The caller is gone: stop the read loop and cancel upstream.
      upstream_finished_reading_ = true;
      client_ctx_.TryCancel();
    } else if (!hold_released_) {
      upstream_read_in_flight_ = true;
      client_.StartRead(&down_);
      return;
    }
    MaybeReleaseLocked();
  }

  void OnUpstreamDone(const grpc::Status& s) {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    upstream_done_ = true;
    status_ = Gateway::SanitizeUpstreamStatus(admission_, s, cancelled_);
    if (!caller_write_in_flight_) FinishLocked();
  }

  void OnCancel() override {
    cancelled_ = true;
    client_ctx_.TryCancel();
  }

  void OnDone() override { delete this; }

 private:
  class Client final
      : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
   public:
    explicit Client(StreamReactor* p) : p_(p) {}
    void OnReadDone(bool ok) override { p_->OnUpstreamReadDone(ok); }
    void OnWriteDone(bool ok) override { p_->OnUpstreamWriteDone(ok); }
    void OnDone(const grpc::Status& s) override { p_->OnUpstreamDone(s); }

   private:
    StreamReactor* p_;
  };

  // Sends the half-close upstream once the caller has half-closed, and
  // releases the hold once the upstream has ended its stream (or the read
  // loop stopped) and no write to it is in flight: from then on no
  // operation is started on the upstream call.
  void MaybeReleaseLocked() {
    if (hold_released_ || upstream_write_in_flight_) return;
    if (caller_done_writing_ && !upstream_finished_reading_ &&
        !upstream_write_failed_ && !writes_done_sent_) {
      writes_done_sent_ = true;
      client_.StartWritesDone();
    }
    if (!upstream_finished_reading_) return;  // the read loop needs the hold
    hold_released_ = true;
    client_.RemoveHold();
  }

  void FinishLocked() {
    if (finished_) return;
    finished_ = true;
    gateway_->Complete(admission_, in_, status_.error_code(), 0);
    Finish(status_);
  }

  Gateway* gateway_;
  Inbound in_;
  Admission admission_;
  grpc::ClientContext client_ctx_;
  Client client_;
  grpc::ByteBuffer up_;    // caller -> upstream
  grpc::ByteBuffer down_;  // upstream -> caller
  grpc::Status status_{grpc::StatusCode::CANCELLED, "cancelled"};
  std::recursive_mutex mu_;
  bool hold_released_ = false;
  bool caller_done_writing_ = false;
  bool upstream_write_in_flight_ = false;
  bool upstream_write_failed_ = false;
  bool upstream_read_in_flight_ = false;
  bool upstream_finished_reading_ = false;
  bool caller_write_in_flight_ = false;
  bool writes_done_sent_ = false;
  bool upstream_done_ = false;
  bool finished_ = false;
  std::atomic<bool> cancelled_{false};  // by the caller
};

}  // namespace

grpc::ServerGenericBidiReactor* GrpcProxy::CreateReactor(
    grpc::GenericCallbackServerContext* ctx) {
  Inbound in = InboundOf(ctx);
  Admission admission;
  absl::Status s = gateway_->Admit(in, &admission);
  if (!s.ok()) {
    return new RejectReactor(gateway_, ctx, std::move(in), std::move(admission),
                             s);
  }
  const bool unary =
      admission.method == nullptr ? false : admission.method->unary;
  if (unary) {
    return new UnaryReactor(gateway_, ctx, std::move(in), std::move(admission));
  }
  if (admission.upstream->streaming_stub() == nullptr) {
    return new RejectReactor(
        gateway_, ctx, std::move(in), std::move(admission),
        absl::UnimplementedError("this service answers unary calls only"));
  }
  return new StreamReactor(gateway_, ctx, std::move(in), std::move(admission));
}

}  // namespace qpp::gateway
