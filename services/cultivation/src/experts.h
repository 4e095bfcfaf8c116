#pragma once

// Use cases of the expert pool ("experts/{expert}"): experts with their
// employer (checked with the registry) and personal data sealed at rest
// and masked on output, and their declared conflicts of interest. Rules:
// review_rules.h.
//
// A declaration locks the expert's row, as does every assignment and
// scoring of a review by that expert, so a conflict declared while an
// assignment runs is seen by one or the other.
//
// Statuses: INVALID_ARGUMENT with field violations for bad input;
// NOT_FOUND; ALREADY_EXISTS (EXPERT_EXISTS); FAILED_PRECONDITION
// (ORGANIZATION_NOT_REGISTERED, KEYRING); UNAVAILABLE
// (REGISTRY_UNAVAILABLE) when the registry cannot answer, and then nothing
// is written; UNAVAILABLE when the database is unreachable.

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/context/request_context.h"
#include "qpp/cultivation/v1/cultivation_service.pb.h"
#include "services/cultivation/src/cultivation_repository.h"
#include "services/cultivation/src/use_case_context.h"

namespace qpp::cultivation {

class Experts final {
 public:
  // The context and the repository must outlive this object.
  Experts(const UseCaseContext& context, ExpertRepository& repository);

  // Adds an expert after asking the registry under `call` about the
  // employer; idempotent by request_id.
  absl::Status CreateExpert(const RequestContext& call,
                            const v1::CreateExpertRequest& req,
                            v1::Expert* resp);
  // One expert, masked.
  absl::Status GetExpert(const v1::GetExpertRequest& req, v1::Expert* resp);
  // A page of experts by id.
  absl::Status ListExperts(const v1::ListExpertsRequest& req,
                           v1::ListExpertsResponse* resp);
  // Records a conflict of interest; `call` names who recorded it.
  absl::Status DeclareConflict(const RequestContext& call,
                               const v1::DeclareConflictRequest& req,
                               v1::Expert* resp);

 private:
  // The stored expert `id` as the API shows it.
  absl::Status Load(db::Connection& conn, int64_t id, v1::Expert* resp);
  // `record` as the API shows it, its personal data opened and masked.
  absl::StatusOr<v1::Expert> Show(
      const ExpertRecord& record,
      const std::vector<ConflictRecord>& conflicts) const;

  const UseCaseContext context_;
  ExpertRepository& repository_;
};

}  // namespace qpp::cultivation
