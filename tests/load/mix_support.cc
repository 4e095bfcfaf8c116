#include "tests/load/mix_support.h"

#include <chrono>
#include <random>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace qpp::load {

std::string NewRequestId(absl::string_view prefix) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return absl::StrFormat("%s-%016x%016x", prefix, rng(), rng());
}

void PrepareSetUpContext(
    grpc::ClientContext* ctx,
    const std::vector<std::pair<std::string, std::string>>& metadata) {
  for (const auto& [k, v] : metadata) ctx->AddMetadata(k, v);
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(10));
}

grpc::Status CallForSetUp(
    const std::vector<std::pair<std::string, std::string>>& metadata,
    const std::function<grpc::Status(grpc::ClientContext*)>& call) {
  grpc::Status status;
  for (int attempt = 0; attempt < 10; ++attempt) {
    if (attempt > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    grpc::ClientContext ctx;
    PrepareSetUpContext(&ctx, metadata);
    status = call(&ctx);
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE &&
        status.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED) {
      break;
    }
  }
  return status;
}

absl::Status SetUpFailed(absl::string_view what, const grpc::Status& s) {
  return absl::UnavailableError(
      absl::StrCat(what, ": ", s.error_code(), " ", s.error_message()));
}

int64_t IdOf(absl::string_view name) {
  const size_t slash = name.rfind('/');
  int64_t id = 0;
  if (slash == absl::string_view::npos ||
      !absl::SimpleAtoi(name.substr(slash + 1), &id)) {
    return -1;
  }
  return id;
}

}  // namespace qpp::load
