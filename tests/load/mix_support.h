#pragma once

// Small pieces the services' shares of the load mix have in common: request
// ids, the context of a set-up call, and resource ids from names.

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

namespace qpp::load {

// A fresh random request id, `prefix` then 32 hex digits (valid for every
// service's idempotency keys while prefix is at most 31 of [A-Za-z0-9_-]).
std::string NewRequestId(absl::string_view prefix);

// Sets `metadata` (e.g. the API key) and a 10 s deadline on the context of
// one set-up call.
void PrepareSetUpContext(
    grpc::ClientContext* ctx,
    const std::vector<std::pair<std::string, std::string>>& metadata);

// Runs one blocking set-up call, `call(context)`, on a context prepared by
// PrepareSetUpContext, and again while it ends UNAVAILABLE or
// DEADLINE_EXCEEDED (a service whose database just came back may fail its
// first statement), up to 10 attempts 300 ms apart. The request, request id
// included, must be the same on every attempt, so that a retry of a write
// that was applied replays its answer. The last status.
grpc::Status CallForSetUp(
    const std::vector<std::pair<std::string, std::string>>& metadata,
    const std::function<grpc::Status(grpc::ClientContext*)>& call);

// UNAVAILABLE naming the set-up step `what` and the answer `s`.
absl::Status SetUpFailed(absl::string_view what, const grpc::Status& s);

// The id a resource name ends with (".../events/42" → 42); -1 when it does
// not end with a number.
int64_t IdOf(absl::string_view name);

}  // namespace qpp::load
