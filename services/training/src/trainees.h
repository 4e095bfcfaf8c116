#pragma once

// Use cases of trainees ("trainees/{trainee}"): people who take part in
// training, each with a resident ID number and an employer registered in
// the registry. The ID number and phone are sealed (AES-256-GCM, key ids)
// before they are stored, found by their keyed hash and returned only
// masked; no status message carries them. Rules: trainee_rules.h.
//
// Statuses: INVALID_ARGUMENT with field violations for bad input; NOT_FOUND;
// ALREADY_EXISTS (TRAINEE_EXISTS) for a second trainee with the same ID
// number; FAILED_PRECONDITION (ORGANIZATION_NOT_REGISTERED) for an employer
// the registry does not have or has archived, (KEYRING) when personal data
// cannot be sealed; DATA_LOSS for a stored value that does not open;
// UNAVAILABLE (REGISTRY_UNAVAILABLE) when the registry cannot answer, and
// then nothing is written; ABORTED for etag mismatches and conflicts;
// UNAVAILABLE when the database is unreachable.

#include <memory>

#include "absl/status/status.h"
#include "common/context/request_context.h"
#include "qpp/training/v1/training_service.pb.h"
#include "services/training/src/training_repository.h"
#include "services/training/src/use_case_context.h"

namespace qpp::training {

class Trainees final {
 public:
  // The context must outlive this object.
  Trainees(const UseCaseContext& context,
           std::unique_ptr<TraineeRepository> repository);

  // Registers a trainee after checking the employer with the registry
  // under `call`; idempotent by request_id.
  absl::Status CreateTrainee(const RequestContext& call,
                             const v1::CreateTraineeRequest& req,
                             v1::Trainee* resp);
  // The trainee of "trainees/{trainee}", masked.
  absl::Status GetTrainee(const v1::GetTraineeRequest& req, v1::Trainee* resp);
  // A page of trainees by id, masked.
  absl::Status ListTrainees(const v1::ListTraineesRequest& req,
                            v1::ListTraineesResponse* resp);
  // The trainee with a resident ID number, found by its keyed hash.
  absl::Status LookupTrainee(const v1::LookupTraineeRequest& req,
                             v1::Trainee* resp);
  // Changes name, phone or employer (checked with the registry first).
  absl::Status UpdateTrainee(const RequestContext& call,
                             const v1::UpdateTraineeRequest& req,
                             v1::Trainee* resp);
  // Deletes a trainee and their personal data.
  absl::Status DeleteTrainee(const v1::DeleteTraineeRequest& req,
                             v1::DeleteTraineeResponse* resp);

 private:
  // The record as the API shows it: personal data opened and masked.
  absl::StatusOr<v1::Trainee> ToTrainee(const TraineeRecord& record) const;
  // `plaintext` sealed for the trainee whose ID number hashes to `hash`;
  // empty for an empty value.
  absl::StatusOr<std::string> Seal(absl::string_view plaintext,
                                   absl::string_view what,
                                   absl::string_view hash) const;

  const UseCaseContext context_;
  std::unique_ptr<TraineeRepository> repository_;
};

}  // namespace qpp::training
