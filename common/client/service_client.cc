#include "common/client/service_client.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/context/metadata.h"
#include "common/status/grpc_status.h"
#include "common/status/status.h"
#include "spdlog/spdlog.h"

namespace qpp::client {
namespace {

// Transport failures are logged at most this often per client.
constexpr absl::Duration kFailureLogInterval = absl::Seconds(10);

// `status` with `message` instead of its own, details kept.
absl::Status WithMessage(const absl::Status& status,
                         absl::string_view message) {
  absl::Status out(status.code(), message);
  status.ForEachPayload(
      [&out](absl::string_view type_url, const absl::Cord& value) {
        out.SetPayload(type_url, value);
      });
  return out;
}

}  // namespace

ServiceClient::ServiceClient(std::shared_ptr<grpc::Channel> channel,
                             const google::protobuf::ServiceDescriptor* service,
                             ClientOptions options,
                             prometheus::Registry& registry)
    : channel_(std::move(channel)),
      service_(service),
      options_(std::move(options)),
      metrics_(registry, metrics::GrpcSide::kClient) {
  if (service_ == nullptr) {
    // A wiring mistake at start-up (the callee's generated code is not
    // linked in), not a state to run in.
    spdlog::critical("the client of {} has no service descriptor",
                     options_.display_name);
    std::abort();
  }
  metrics_.AddService(service_);
  for (int i = 0; i < service_->method_count(); ++i) {
    const google::protobuf::MethodDescriptor* m = service_->method(i);
    if (m->client_streaming() || m->server_streaming()) continue;
    methods_.emplace(
        m->name(), Method{m, &metrics_.Find(absl::StrCat(
                                 "/", service_->full_name(), "/", m->name()))});
  }
}

absl::Time ServiceClient::DeadlineFor(const RequestContext& context,
                                      absl::Time now) const {
  const absl::Time wanted = context.has_deadline()
                                ? context.deadline()
                                : now + options_.default_deadline;
  return std::min(wanted, now + options_.max_deadline);
}

const ServiceClient::Method* ServiceClient::Prepare(
    const RequestContext& context, absl::string_view method,
    const google::protobuf::Descriptor* request_type,
    const google::protobuf::Descriptor* response_type,
    grpc::ClientContext* call) const {
  auto it = methods_.find(method);
  if (it == methods_.end() ||
      it->second.descriptor->input_type() != request_type ||
      it->second.descriptor->output_type() != response_type) {
    return nullptr;
  }
  call->set_deadline(absl::ToChronoTime(DeadlineFor(context, absl::Now())));
  // Fail at once while the callee is unreachable rather than queue the call
  // until its deadline (gRPC's default, stated for the reader).
  call->set_wait_for_ready(false);
  if (!context.request_id().empty()) {
    call->AddMetadata(kRequestIdHeader, context.request_id());
  }
  if (!context.principal().name.empty()) {
    call->AddMetadata(kPrincipalHeader, context.principal().name);
  }
  it->second.series->started->Increment();
  return &it->second;
}

absl::Status ServiceClient::MisuseError(absl::string_view method) const {
  return absl::InternalError(absl::StrCat(
      "no call was made: ", service_->full_name(), " has no unary method ",
      method, " with these request and response types"));
}

absl::Status ServiceClient::Finish(const RequestContext& context,
                                   const Method& method, absl::Time start,
                                   const grpc::Status& status) const {
  const absl::Time now = absl::Now();
  method.series->seconds->Observe(absl::ToDoubleSeconds(now - start));
  metrics_.RecordHandled(*method.series, status.error_code());
  if (status.ok()) return absl::OkStatus();

  absl::Status out = status::FromGrpcStatus(status);
  const char* what = nullptr;
  if (status.error_code() == grpc::StatusCode::CANCELLED) {
    // This client never cancels its calls: the server dropped this one (a
    // call that reached it while it was shutting down). Whether it ran is
    // unknown, as for UNAVAILABLE, which callers retry.
    out = absl::UnavailableError(status.error_message());
    what = " is unavailable; try again later";
  } else if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    what = " is unavailable; try again later";
  } else if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    what = " did not answer in time";
  } else {
    return out;
  }
  // The original text names addresses and transport internals: useful to
  // operators, never to callers. Logged, but not once per failed call.
  const int64_t now_nanos = absl::ToUnixNanos(now);
  int64_t next = next_failure_log_unix_nanos_.load(std::memory_order_relaxed);
  if (now_nanos >= next &&
      next_failure_log_unix_nanos_.compare_exchange_strong(
          next, now_nanos + absl::ToInt64Nanoseconds(kFailureLogInterval))) {
    spdlog::warn("call to {} {} failed: {}: {} (request id {})",
                 options_.display_name, method.descriptor->name(),
                 metrics::CodeName(status.error_code()), status.error_message(),
                 context.request_id().empty() ? "-" : context.request_id());
  }
  return WithMessage(out, absl::StrCat(options_.display_name, what));
}

}  // namespace qpp::client
