#include "services/training/src/trainees.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/db/idempotency.h"
#include "common/paging/list_page.h"
#include "common/resource/names.h"
#include "common/status/status.h"
#include "common/validation/resident_id.h"
#include "services/training/src/registry_client.h"
#include "services/training/src/trainee_rules.h"

namespace qpp::training {
namespace {

// A cipher failure without its (possibly data-bearing) detail.
absl::Status KeyringError(absl::string_view what) {
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "KEYRING",
      absl::StrCat("the ", what,
                   " cannot be protected: the data keyring is not usable"));
}

// What a sealed value is bound to: the kind of value and the ID number's
// keyed hash, so a ciphertext copied to another row or column does not open.
std::string SealContext(absl::string_view what, absl::string_view hash) {
  return absl::StrCat("training.trainees.", what, ":", hash);
}

}  // namespace

Trainees::Trainees(const UseCaseContext& context,
                   std::unique_ptr<TraineeRepository> repository)
    : context_(context), repository_(std::move(repository)) {}

absl::StatusOr<std::string> Trainees::Seal(absl::string_view plaintext,
                                           absl::string_view what,
                                           absl::string_view hash) const {
  if (plaintext.empty()) return std::string();
  absl::StatusOr<std::string> sealed =
      context_.cipher.Encrypt(plaintext, SealContext(what, hash));
  if (!sealed.ok()) return KeyringError(what);
  return sealed;
}

absl::StatusOr<v1::Trainee> Trainees::ToTrainee(
    const TraineeRecord& record) const {
  v1::Trainee t;
  t.set_name(TraineeName(record.id));
  t.set_display_name(record.display_name);
  QPP_ASSIGN_OR_RETURN(
      std::string id, context_.cipher.Decrypt(
                          record.resident_id_sealed,
                          SealContext("resident_id", record.resident_id_hash)));
  t.set_masked_resident_id(MaskResidentId(id));
  if (!record.phone_sealed.empty()) {
    QPP_ASSIGN_OR_RETURN(
        std::string phone,
        context_.cipher.Decrypt(record.phone_sealed,
                                SealContext("phone", record.resident_id_hash)));
    t.set_masked_phone(MaskTraineePhone(phone));
  }
  t.set_employer(resource::OrganizationName(record.employer_uscc));
  t.set_employer_district_code(record.employer_district_code);
  *t.mutable_create_time() = dates::ToTimestamp(record.create_time);
  *t.mutable_update_time() = dates::ToTimestamp(record.update_time);
  t.set_etag(absl::StrCat("\"", record.version, "\""));
  return t;
}

absl::Status Trainees::CreateTrainee(const RequestContext& call,
                                     const v1::CreateTraineeRequest& req,
                                     v1::Trainee* resp) {
  const v1::Trainee& in = req.trainee();
  const absl::Time now = context_.clock();
  status::FieldErrors errors;
  ValidateNewTrainee(in, dates::Today(now), errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  const std::string employer =
      *resource::ParseOrganizationName(in.employer(), "trainee.employer");
  // Asked before the transaction: no lock is held while the registry
  // answers, and a registry that is down leaves nothing written.
  QPP_ASSIGN_OR_RETURN(
      RegisteredOrganization registered,
      RequireRegistered(context_.registry, call, employer, "trainee.employer"));
  TraineeRecord record;
  record.display_name = in.display_name();
  absl::StatusOr<std::string> hash =
      context_.cipher.KeyedHash(in.resident_id(), kResidentIdHashPurpose);
  if (!hash.ok()) return KeyringError("resident_id");
  record.resident_id_hash = *hash;
  QPP_ASSIGN_OR_RETURN(record.resident_id_sealed,
                       Seal(in.resident_id(), "resident_id", *hash));
  QPP_ASSIGN_OR_RETURN(record.phone_sealed, Seal(in.phone(), "phone", *hash));
  record.employer_uscc = employer;
  record.employer_district_code = registered.district_code;
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        absl::StatusOr<int64_t> id =
            repository_->InsertTrainee(conn, record, now);
        QPP_RETURN_IF_ERROR(status::OnAlreadyExists(
            id.status(), "TRAINEE_EXISTS",
            "a trainee with this resident ID number is already registered; "
            "find it with LookupTrainee"));
        QPP_ASSIGN_OR_RETURN(auto stored,
                             repository_->GetTrainee(conn, *id, false));
        QPP_ASSIGN_OR_RETURN(*resp, ToTrainee(*stored));
        return absl::OkStatus();
      });
}

absl::Status Trainees::GetTrainee(const v1::GetTraineeRequest& req,
                                  v1::Trainee* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseTraineeName(req.name(), "name"));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  QPP_ASSIGN_OR_RETURN(auto found, repository_->GetTrainee(*conn, id, false));
  if (!found.has_value()) return status::NotFound(req.name());
  QPP_ASSIGN_OR_RETURN(*resp, ToTrainee(*found));
  return absl::OkStatus();
}

absl::Status Trainees::ListTrainees(const v1::ListTraineesRequest& req,
                                    v1::ListTraineesResponse* resp) {
  TraineeFilter filter;
  if (!req.employer().empty()) {
    QPP_ASSIGN_OR_RETURN(filter.employer_uscc, resource::ParseOrganizationName(
                                                   req.employer(), "employer"));
  }
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<TraineeRecord>> {
            QPP_ASSIGN_OR_RETURN(int64_t after_id, paging::AfterId(after));
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            return repository_->ListTrainees(*conn, filter, after_id, limit);
          },
          [](const TraineeRecord& t) { return absl::StrCat(t.id); }));
  resp->set_next_page_token(page.next_page_token);
  for (const TraineeRecord& record : page.rows) {
    QPP_ASSIGN_OR_RETURN(*resp->add_trainees(), ToTrainee(record));
  }
  return absl::OkStatus();
}

absl::Status Trainees::LookupTrainee(const v1::LookupTraineeRequest& req,
                                     v1::Trainee* resp) {
  const std::string problem = validation::ResidentIdProblem(
      req.resident_id(), dates::Today(context_.clock()));
  if (!problem.empty()) {
    return status::InvalidField(
        "resident_id",
        absl::StrCat("is not a valid resident ID number: ", problem));
  }
  absl::StatusOr<std::string> hash =
      context_.cipher.KeyedHash(req.resident_id(), kResidentIdHashPurpose);
  if (!hash.ok()) return KeyringError("resident_id");
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  QPP_ASSIGN_OR_RETURN(auto found,
                       repository_->FindTraineeByHash(*conn, *hash));
  if (!found.has_value()) {
    return status::WithReason(absl::StatusCode::kNotFound, "NOT_FOUND",
                              "no trainee has this resident ID number");
  }
  QPP_ASSIGN_OR_RETURN(*resp, ToTrainee(*found));
  return absl::OkStatus();
}

absl::Status Trainees::UpdateTrainee(const RequestContext& call,
                                     const v1::UpdateTraineeRequest& req,
                                     v1::Trainee* resp) {
  const v1::Trainee& patch = req.trainee();
  QPP_ASSIGN_OR_RETURN(int64_t id,
                       ParseTraineeName(patch.name(), "trainee.name"));
  QPP_ASSIGN_OR_RETURN(std::vector<std::string> paths,
                       TraineeUpdatePaths(req.update_mask()));
  status::FieldErrors errors;
  ValidateTraineeUpdate(patch, paths, errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  const auto has = [&](absl::string_view path) {
    return std::find(paths.begin(), paths.end(), path) != paths.end();
  };
  std::optional<RegisteredOrganization> employer;
  if (has("employer")) {
    // Checked before the transaction, as on create.
    QPP_ASSIGN_OR_RETURN(
        employer, RequireRegistered(context_.registry, call,
                                    *resource::ParseOrganizationName(
                                        patch.employer(), "trainee.employer"),
                                    "trainee.employer"));
  }
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(auto found,
                             repository_->GetTrainee(conn, id, true));
        if (!found.has_value()) return status::NotFound(patch.name());
        QPP_RETURN_IF_ERROR(status::CheckEtag(
            patch.etag(), absl::StrCat("\"", found->version, "\""),
            "the trainee"));
        TraineeRecord updated = *found;
        if (has("display_name")) updated.display_name = patch.display_name();
        if (has("phone")) {
          QPP_ASSIGN_OR_RETURN(
              updated.phone_sealed,
              Seal(patch.phone(), "phone", found->resident_id_hash));
        }
        if (employer.has_value()) {
          updated.employer_uscc = employer->uscc;
          updated.employer_district_code = employer->district_code;
        }
        QPP_ASSIGN_OR_RETURN(
            bool written,
            repository_->UpdateTrainee(conn, updated, found->version, now));
        if (!written) return status::ConcurrentUpdate("the trainee");
        QPP_ASSIGN_OR_RETURN(auto stored,
                             repository_->GetTrainee(conn, id, false));
        QPP_ASSIGN_OR_RETURN(*resp, ToTrainee(*stored));
        return absl::OkStatus();
      });
}

absl::Status Trainees::DeleteTrainee(const v1::DeleteTraineeRequest& req,
                                     v1::DeleteTraineeResponse* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseTraineeName(req.name(), "name"));
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(bool deleted,
                             repository_->DeleteTrainee(conn, id));
        return deleted ? absl::OkStatus() : status::NotFound(req.name());
      });
}

}  // namespace qpp::training
