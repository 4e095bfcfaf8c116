#pragma once

#include <chrono>
#include <utility>

#include "absl/status/status.h"
#include "common/server/executor.h"
#include "common/status/grpc_status.h"
#include "common/status/status.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"

namespace qpp::server {

// Runs blocking `work` (a callable taking no argument) on `executor`; `work`
// finishes `reactor` itself, possibly later from another thread: the executor
// thread is free as soon as `work` returns. A full queue, a cancelled call or a
// passed deadline finish the reactor here without running `work`.
template <typename Work>
void OffloadAsync(grpc::CallbackServerContext* context,
                  grpc::ServerUnaryReactor* reactor, Executor& executor,
                  Work&& work) {
  const bool queued = executor.TrySubmit(
      [context, reactor, work = std::forward<Work>(work)]() mutable {
        if (context->IsCancelled()) {
          reactor->Finish(grpc::Status::CANCELLED);
          return;
        }
        if (context->deadline() < std::chrono::system_clock::now()) {
          reactor->Finish(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                                       "deadline passed before the call ran"));
          return;
        }
        work();
      });
  if (!queued) {
    reactor->Finish(status::ToGrpcStatus(
        status::WithReason(absl::StatusCode::kUnavailable, "SERVER_OVERLOADED",
                           "the server is overloaded; retry with backoff")));
  }
}

// Runs blocking `work` (a callable returning absl::Status that fills the
// response) on `executor` and finishes the call's reactor from there, so the
// gRPC callback thread returns at once. A full queue answers UNAVAILABLE
// (retryable) without running the work; a call whose deadline has passed or
// that was cancelled while queued is answered without running it either.
template <typename Work>
grpc::ServerUnaryReactor* Offload(grpc::CallbackServerContext* context,
                                  Executor& executor, Work&& work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  OffloadAsync(context, reactor, executor,
               [reactor, work = std::forward<Work>(work)]() mutable {
                 reactor->Finish(status::ToGrpcStatus(work()));
               });
  return reactor;
}

}  // namespace qpp::server
