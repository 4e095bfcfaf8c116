#include "services/cultivation/src/experts.h"

#include "absl/strings/str_cat.h"
#include "common/db/idempotency.h"
#include "common/paging/list_page.h"
#include "common/resource/names.h"
#include "common/status/status.h"
#include "services/cultivation/src/applications.h"
#include "services/cultivation/src/review_rules.h"

namespace qpp::cultivation {
namespace {

absl::Status KeyringError(absl::string_view what) {
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "KEYRING",
      absl::StrCat("the ", what,
                   " cannot be protected: the data keyring is not usable"));
}

// What a sealed value is bound to: the kind of value and the ID number's
// keyed hash, so a ciphertext copied to another row or column does not open.
std::string SealContext(absl::string_view what, absl::string_view hash) {
  return absl::StrCat("cultivation.experts.", what, ":", hash);
}

}  // namespace

Experts::Experts(const UseCaseContext& context, ExpertRepository& repository)
    : context_(context), repository_(repository) {}

absl::StatusOr<v1::Expert> Experts::Show(
    const ExpertRecord& r, const std::vector<ConflictRecord>& conflicts) const {
  absl::StatusOr<std::string> id = context_.cipher.Decrypt(
      r.resident_id_sealed, SealContext("resident_id", r.resident_id_hash));
  if (!id.ok()) return KeyringError("resident ID number");
  std::string phone;
  if (!r.phone_sealed.empty()) {
    absl::StatusOr<std::string> opened = context_.cipher.Decrypt(
        r.phone_sealed, SealContext("phone", r.resident_id_hash));
    if (!opened.ok()) return KeyringError("phone");
    phone = *opened;
  }
  return ToExpert(r, conflicts, phone, *id);
}

absl::Status Experts::Load(db::Connection& conn, int64_t id, v1::Expert* resp) {
  QPP_ASSIGN_OR_RETURN(auto stored, repository_.GetExpert(conn, id, false));
  if (!stored.has_value()) return status::NotFound(ExpertName(id));
  QPP_ASSIGN_OR_RETURN(auto conflicts, repository_.ListConflicts(conn, {id}));
  QPP_ASSIGN_OR_RETURN(*resp, Show(*stored, conflicts[id]));
  return absl::OkStatus();
}

absl::Status Experts::CreateExpert(const RequestContext& call,
                                   const v1::CreateExpertRequest& req,
                                   v1::Expert* resp) {
  const v1::Expert& in = req.expert();
  const absl::Time now = context_.clock();
  status::FieldErrors errors;
  ValidateNewExpert(in, dates::Today(now), errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  const std::string employer =
      *resource::ParseOrganizationName(in.employer(), "expert.employer");
  // Asked before the transaction; a registry that is down leaves nothing
  // written.
  absl::StatusOr<RegisteredOrganization> organization =
      context_.registry.GetOrganization(call, employer);
  if (absl::IsNotFound(organization.status()) ||
      (organization.ok() && !organization->active)) {
    return status::WithReason(
        absl::StatusCode::kFailedPrecondition, "ORGANIZATION_NOT_REGISTERED",
        absl::StrCat("expert.employer: ", in.employer(),
                     " is not registered in the registry"));
  }
  QPP_RETURN_IF_ERROR(organization.status());

  ExpertRecord record;
  record.display_name = in.display_name();
  record.field = in.field();
  record.employer_uscc = employer;
  absl::StatusOr<std::string> hash =
      context_.cipher.KeyedHash(in.resident_id(), kExpertIdHashPurpose);
  if (!hash.ok()) return KeyringError("resident ID number");
  record.resident_id_hash = *hash;
  absl::StatusOr<std::string> sealed_id = context_.cipher.Encrypt(
      in.resident_id(), SealContext("resident_id", *hash));
  if (!sealed_id.ok()) return KeyringError("resident ID number");
  record.resident_id_sealed = *sealed_id;
  if (!in.phone().empty()) {
    absl::StatusOr<std::string> sealed_phone =
        context_.cipher.Encrypt(in.phone(), SealContext("phone", *hash));
    if (!sealed_phone.ok()) return KeyringError("phone");
    record.phone_sealed = *sealed_phone;
  }
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        absl::StatusOr<int64_t> id =
            repository_.InsertExpert(conn, record, now);
        QPP_RETURN_IF_ERROR(status::OnAlreadyExists(
            id.status(), "EXPERT_EXISTS",
            "an expert with this resident ID number is in the pool"));
        return Load(conn, *id, resp);
      });
}

absl::Status Experts::GetExpert(const v1::GetExpertRequest& req,
                                v1::Expert* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseExpertName(req.name(), "name"));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  return Load(*conn, id, resp);
}

absl::Status Experts::ListExperts(const v1::ListExpertsRequest& req,
                                  v1::ListExpertsResponse* resp) {
  std::map<int64_t, std::vector<ConflictRecord>> conflicts;
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<ExpertRecord>> {
            QPP_ASSIGN_OR_RETURN(int64_t after_id, paging::AfterId(after));
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            QPP_ASSIGN_OR_RETURN(
                std::vector<ExpertRecord> rows,
                repository_.ListExperts(*conn, after_id, limit));
            std::vector<int64_t> ids;
            for (const ExpertRecord& r : rows) ids.push_back(r.id);
            QPP_ASSIGN_OR_RETURN(conflicts,
                                 repository_.ListConflicts(*conn, ids));
            return rows;
          },
          [](const ExpertRecord& r) { return absl::StrCat(r.id); }));
  resp->set_next_page_token(page.next_page_token);
  for (const ExpertRecord& r : page.rows) {
    QPP_ASSIGN_OR_RETURN(*resp->add_experts(), Show(r, conflicts[r.id]));
  }
  return absl::OkStatus();
}

absl::Status Experts::DeclareConflict(const RequestContext& call,
                                      const v1::DeclareConflictRequest& req,
                                      v1::Expert* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseExpertName(req.name(), "name"));
  status::FieldErrors errors;
  absl::StatusOr<std::string> uscc =
      resource::ParseOrganizationName(req.organization(), "organization");
  if (!uscc.ok()) {
    errors.Add("organization",
               "must be organizations/{uscc} with a valid USCC");
  }
  ValidateReason(req.reason(), true, errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(auto found, repository_.GetExpert(conn, id, true));
        if (!found.has_value()) return status::NotFound(req.name());
        QPP_RETURN_IF_ERROR(repository_.InsertConflict(
            conn, {id, *uscc, req.reason(), call.principal().actor(), now}));
        QPP_RETURN_IF_ERROR(repository_.Touch(conn, id, now));
        return Load(conn, id, resp);
      });
}

}  // namespace qpp::cultivation
