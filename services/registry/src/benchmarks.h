#pragma once

// Use cases of benchmark designations
// ("organizations/{uscc}/benchmarks/{year}"): an organisation that adopted
// the excellence model designated a benchmark of its industry for a year.
// A designation makes the organisation's adoption status BENCHMARK; deleting
// its last one takes it back to ADOPTED. Rules: benchmark_rules.h.
//
// Statuses: INVALID_ARGUMENT with field violations for bad input; NOT_FOUND;
// ALREADY_EXISTS (BENCHMARK_EXISTS); FAILED_PRECONDITION
// (ORGANIZATION_ARCHIVED, MODEL_NOT_ADOPTED, CREDIT_RESTRICTED); ABORTED on
// conflicts; UNAVAILABLE when the database is unreachable.

#include <memory>

#include "absl/status/status.h"
#include "common/context/request_context.h"
#include "qpp/registry/v1/registry_service.pb.h"
#include "services/registry/src/registry_repository.h"
#include "services/registry/src/use_case_context.h"

namespace qpp::registry {

class Benchmarks final {
 public:
  // The context must outlive this object.
  Benchmarks(const UseCaseContext& context,
             std::unique_ptr<BenchmarkRepository> repository);

  // Designates an eligible organisation for a year; idempotent by
  // request_id.
  absl::Status CreateBenchmarkDesignation(
      const RequestContext& call,
      const v1::CreateBenchmarkDesignationRequest& req,
      v1::BenchmarkDesignation* resp);
  // A page of designations, newest year first.
  absl::Status ListBenchmarkDesignations(
      const RequestContext& call,
      const v1::ListBenchmarkDesignationsRequest& req,
      v1::ListBenchmarkDesignationsResponse* resp);
  // Deletes a designation (a correction).
  absl::Status DeleteBenchmarkDesignation(
      const RequestContext& call,
      const v1::DeleteBenchmarkDesignationRequest& req,
      v1::DeleteBenchmarkDesignationResponse* resp);

 private:
  const UseCaseContext context_;
  std::unique_ptr<BenchmarkRepository> repository_;
};

}  // namespace qpp::registry
