#include "services/demobase/src/bases.h"

#include "absl/strings/str_cat.h"
#include "common/db/idempotency.h"
#include "common/paging/list_page.h"
#include "common/resource/names.h"
#include "common/status/status.h"
#include "services/demobase/src/base_rules.h"

namespace qpp::demobase {
Bases::Bases(const UseCaseContext& context, BaseRepository& repository)
    : context_(context), repository_(repository) {}

absl::Status Bases::Load(db::Connection& conn, int64_t id,
                         v1::DemonstrationBase* resp) {
  QPP_ASSIGN_OR_RETURN(auto stored, repository_.GetBase(conn, id, false));
  if (!stored.has_value()) return status::NotFound(BaseName(id));
  QPP_ASSIGN_OR_RETURN(auto histories, repository_.ListHistories(conn, {id}));
  *resp = ToBase(*stored, histories[id]);
  return absl::OkStatus();
}

absl::Status Bases::CreateDemonstrationBase(
    const RequestContext& call, const v1::CreateDemonstrationBaseRequest& req,
    v1::DemonstrationBase* resp) {
  const v1::DemonstrationBase& in = req.demonstration_base();
  status::FieldErrors errors;
  ValidateNewBase(in, errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  const std::string uscc = *resource::ParseOrganizationName(
      in.organization(), "demonstration_base.organization");
  // Asked before the transaction: no lock is held while the registry
  // answers, and a registry that is down leaves nothing written.
  absl::StatusOr<RegisteredOrganization> organization =
      context_.registry.GetOrganization(call, uscc);
  if (absl::IsNotFound(organization.status())) {
    return status::WithReason(
        absl::StatusCode::kFailedPrecondition, "ORGANIZATION_NOT_REGISTERED",
        absl::StrCat("demonstration_base.organization: ", in.organization(),
                     " is not registered in the registry"));
  }
  QPP_RETURN_IF_ERROR(organization.status());
  QPP_ASSIGN_OR_RETURN(std::vector<AwardFact> awards,
                       context_.registry.ListAwards(call, uscc));
  QPP_ASSIGN_OR_RETURN(QualificationEvidence evidence,
                       Qualify(*organization, awards, in.year()));

  BaseRecord record;
  record.organization_uscc = uscc;
  record.organization_display_name = organization->display_name;
  record.year = in.year();
  record.theme = in.theme();
  record.industry = in.industry();
  record.qualification = evidence.qualification;
  record.qualification_evidence = evidence.evidence;
  record.status = v1::BASE_STATUS_ACTIVE;
  {
    QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
    QPP_RETURN_IF_ERROR(repository_.EnsureYear(*conn, in.year()));
  }
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        // The year's lock first: designations are counted one at a time.
        QPP_RETURN_IF_ERROR(repository_.LockYear(conn, in.year()));
        QPP_ASSIGN_OR_RETURN(int64_t designated,
                             repository_.CountDesignations(conn, in.year()));
        QPP_RETURN_IF_ERROR(CheckDesignationRoom(
            designated, context_.options.max_bases_per_year, in.year()));
        absl::StatusOr<int64_t> id = repository_.InsertBase(conn, record, now);
        QPP_RETURN_IF_ERROR(status::OnAlreadyExists(
            id.status(), "BASE_EXISTS",
            absl::StrCat(in.organization(),
                         " is already a demonstration base of ", in.year())));
        QPP_RETURN_IF_ERROR(repository_.InsertStatusChange(
            conn,
            {*id, v1::BASE_STATUS_ACTIVE, "", call.principal().actor(), now}));
        return Load(conn, *id, resp);
      });
}

absl::Status Bases::GetDemonstrationBase(
    const v1::GetDemonstrationBaseRequest& req, v1::DemonstrationBase* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseBaseName(req.name(), "name"));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  return Load(*conn, id, resp);
}

absl::Status Bases::ListDemonstrationBases(
    const v1::ListDemonstrationBasesRequest& req,
    v1::ListDemonstrationBasesResponse* resp) {
  BaseFilter filter;
  if (req.year() != 0 && (req.year() < 2000 || req.year() > 2100)) {
    return status::InvalidField("year", "must be 2000..2100 or 0 for any");
  }
  filter.year = req.year();
  if (!v1::BaseStatus_IsValid(req.status())) {
    return status::InvalidField("status", "is not a known status");
  }
  filter.status = req.status();
  if (!req.organization().empty()) {
    QPP_ASSIGN_OR_RETURN(
        filter.organization_uscc,
        resource::ParseOrganizationName(req.organization(), "organization"));
  }
  std::map<int64_t, std::vector<StatusChangeRecord>> histories;
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<BaseRecord>> {
            QPP_ASSIGN_OR_RETURN(int64_t after_id, paging::AfterId(after));
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            QPP_ASSIGN_OR_RETURN(
                std::vector<BaseRecord> rows,
                repository_.ListBases(*conn, filter, after_id, limit));
            std::vector<int64_t> ids;
            for (const BaseRecord& r : rows) ids.push_back(r.id);
            QPP_ASSIGN_OR_RETURN(histories,
                                 repository_.ListHistories(*conn, ids));
            return rows;
          },
          [](const BaseRecord& r) { return absl::StrCat(r.id); }));
  resp->set_next_page_token(page.next_page_token);
  for (const BaseRecord& r : page.rows) {
    *resp->add_demonstration_bases() = ToBase(r, histories[r.id]);
  }
  return absl::OkStatus();
}

absl::Status Bases::UpdateDemonstrationBase(
    const v1::UpdateDemonstrationBaseRequest& req,
    v1::DemonstrationBase* resp) {
  const v1::DemonstrationBase& patch = req.demonstration_base();
  QPP_ASSIGN_OR_RETURN(int64_t id,
                       ParseBaseName(patch.name(), "demonstration_base.name"));
  QPP_ASSIGN_OR_RETURN(std::vector<std::string> paths,
                       BaseUpdatePaths(req.update_mask()));
  {
    status::FieldErrors errors;
    ApplyBaseUpdate(BaseRecord{}, patch, paths, errors);
    QPP_RETURN_IF_ERROR(errors.ToStatus());
  }
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(auto found, repository_.GetBase(conn, id, true));
        if (!found.has_value()) return status::NotFound(patch.name());
        QPP_RETURN_IF_ERROR(status::CheckEtag(
            patch.etag(), Etag(found->version), "the demonstration base"));
        status::FieldErrors errors;
        const BaseRecord updated =
            ApplyBaseUpdate(*found, patch, paths, errors);
        QPP_RETURN_IF_ERROR(errors.ToStatus());
        QPP_ASSIGN_OR_RETURN(
            bool written,
            repository_.UpdateBase(conn, updated, found->version, now));
        if (!written) return status::ConcurrentUpdate("the demonstration base");
        return Load(conn, id, resp);
      });
}

template <typename Request>
absl::Status Bases::ChangeStatus(const RequestContext& call, const Request& req,
                                 v1::BaseStatus to, bool reason_required,
                                 v1::DemonstrationBase* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseBaseName(req.name(), "name"));
  status::FieldErrors errors;
  ValidateReason(req.reason(), reason_required, errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(auto found, repository_.GetBase(conn, id, true));
        if (!found.has_value()) return status::NotFound(req.name());
        QPP_RETURN_IF_ERROR(status::CheckEtag(req.etag(), Etag(found->version),
                                              "the demonstration base"));
        QPP_RETURN_IF_ERROR(CheckStatusChange(*found, to));
        BaseRecord updated = *found;
        updated.status = to;
        updated.status_reason =
            to == v1::BASE_STATUS_ACTIVE ? "" : req.reason();
        QPP_ASSIGN_OR_RETURN(
            bool written,
            repository_.UpdateBase(conn, updated, found->version, now));
        if (!written) return status::ConcurrentUpdate("the demonstration base");
        QPP_RETURN_IF_ERROR(repository_.InsertStatusChange(
            conn, {id, to, req.reason(), call.principal().actor(), now}));
        return Load(conn, id, resp);
      });
}

absl::Status Bases::SuspendDemonstrationBase(
    const RequestContext& call, const v1::SuspendDemonstrationBaseRequest& req,
    v1::DemonstrationBase* resp) {
  return ChangeStatus(call, req, v1::BASE_STATUS_SUSPENDED, true, resp);
}

absl::Status Bases::ReinstateDemonstrationBase(
    const RequestContext& call,
    const v1::ReinstateDemonstrationBaseRequest& req,
    v1::DemonstrationBase* resp) {
  return ChangeStatus(call, req, v1::BASE_STATUS_ACTIVE, false, resp);
}

absl::Status Bases::WithdrawDemonstrationBase(
    const RequestContext& call, const v1::WithdrawDemonstrationBaseRequest& req,
    v1::DemonstrationBase* resp) {
  return ChangeStatus(call, req, v1::BASE_STATUS_WITHDRAWN, true, resp);
}

}  // namespace qpp::demobase
