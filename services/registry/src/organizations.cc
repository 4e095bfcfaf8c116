#include "services/registry/src/organizations.h"

#include <map>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/db/idempotency.h"
#include "common/paging/list_page.h"
#include "common/resource/names.h"
#include "common/status/status.h"
#include "common/validation/text.h"
#include "services/registry/src/organization_rules.h"

namespace qpp::registry {
namespace {

// Validates the filters of a list and turns them into the repository's.
absl::StatusOr<OrganizationFilter> FilterOf(
    const v1::ListOrganizationsRequest& req) {
  status::FieldErrors errors;
  if (!validation::IsValidUtf8(req.name_query()) ||
      validation::Utf8Length(req.name_query()) > 50) {
    errors.Add("name_query", "must be valid text of at most 50 characters");
  }
  if (req.district_code().size() > 16) errors.Add("district_code", "too long");
  if (req.industry_code().size() > 4) errors.Add("industry_code", "too long");
  if (req.industry_section().size() > 1) {
    errors.Add("industry_section", "must be one letter A..T");
  }
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  OrganizationFilter filter;
  filter.show_deleted = req.show_deleted();
  filter.district_code = req.district_code();
  filter.industry_section = req.industry_section();
  filter.industry_code_prefix = req.industry_code();
  filter.size_class = req.size_class();
  filter.kind = req.kind();
  filter.adoption_status = req.adoption_status();
  filter.credit_standing = req.credit_standing();
  filter.award_level = req.award_level();
  filter.name_query = req.name_query();
  return filter;
}

}  // namespace

Organizations::Organizations(const UseCaseContext& context)
    : context_(context) {}

absl::Status Organizations::GetOrganization(
    const RequestContext& call, const v1::GetOrganizationRequest& req,
    v1::Organization* resp) {
  QPP_ASSIGN_OR_RETURN(std::string uscc,
                       resource::ParseOrganizationName(req.name(), "name"));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  QPP_ASSIGN_OR_RETURN(
      StoredOrganization stored,
      context_.organizations.Load(*conn, DistrictScope::Of(call.principal()),
                                  uscc, /*for_update=*/false));
  *resp = std::move(stored.org);
  MaskContacts(*resp);
  return absl::OkStatus();
}

absl::Status Organizations::BatchGetOrganizations(
    const RequestContext& call, const v1::BatchGetOrganizationsRequest& req,
    v1::BatchGetOrganizationsResponse* resp) {
  if (req.names_size() == 0 || req.names_size() > kMaxBatchGet) {
    return status::InvalidField(
        "names", absl::StrCat("must hold 1..", kMaxBatchGet, " names"));
  }
  std::vector<std::string> usccs;
  usccs.reserve(req.names_size());
  std::set<std::string> seen;
  for (int i = 0; i < req.names_size(); ++i) {
    QPP_ASSIGN_OR_RETURN(std::string uscc,
                         resource::ParseOrganizationName(
                             req.names(i), absl::StrCat("names[", i, "]")));
    if (!seen.insert(uscc).second) {
      return status::InvalidField(absl::StrCat("names[", i, "]"),
                                  "is repeated");
    }
    usccs.push_back(std::move(uscc));
  }
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  QPP_ASSIGN_OR_RETURN(
      std::vector<StoredOrganization> found,
      context_.organization_repository.GetOrganizations(*conn, usccs));
  std::map<std::string, StoredOrganization*> by_uscc;
  for (StoredOrganization& s : found) by_uscc[s.org.uscc()] = &s;
  const DistrictScope scope = DistrictScope::Of(call.principal());
  for (int i = 0; i < req.names_size(); ++i) {
    auto it = by_uscc.find(usccs[i]);
    if (it == by_uscc.end()) return status::NotFound(req.names(i));
    QPP_RETURN_IF_ERROR(scope.CheckOrganization(it->second->org));
    QPP_RETURN_IF_ERROR(context_.organizations.OpenContacts(*it->second));
    v1::Organization* out = resp->add_organizations();
    *out = std::move(it->second->org);
    MaskContacts(*out);
  }
  return absl::OkStatus();
}

absl::Status Organizations::ListOrganizations(
    const RequestContext& call, const v1::ListOrganizationsRequest& req,
    v1::ListOrganizationsResponse* resp) {
  QPP_ASSIGN_OR_RETURN(OrganizationFilter filter, FilterOf(req));
  QPP_ASSIGN_OR_RETURN(
      filter.district_code,
      DistrictScope::Of(call.principal())
          .ListDistrict(filter.district_code, "district_code"));
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<StoredOrganization>> {
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            return context_.organization_repository.ListOrganizations(
                *conn, filter, after, limit);
          },
          [](const StoredOrganization& s) { return s.org.uscc(); }));
  resp->set_next_page_token(page.next_page_token);
  for (StoredOrganization& stored : page.rows) {
    QPP_RETURN_IF_ERROR(context_.organizations.OpenContacts(stored));
    MaskContacts(stored.org);
    *resp->add_organizations() = std::move(stored.org);
  }
  return absl::OkStatus();
}

absl::Status Organizations::CreateOrganization(
    const RequestContext& call, const v1::CreateOrganizationRequest& req,
    v1::Organization* resp) {
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  QPP_ASSIGN_OR_RETURN(auto ref, context_.reference.Get());
  const absl::Time now = context_.clock();
  QPP_ASSIGN_OR_RETURN(
      v1::Organization org,
      PrepareNewOrganization(req.organization(), *ref, dates::Today(now)));
  QPP_RETURN_IF_ERROR(
      DistrictScope::Of(call.principal()).CheckWrite(/*before=*/nullptr, org));
  QPP_ASSIGN_OR_RETURN(std::string blob, context_.contacts.Seal(org));
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_RETURN_IF_ERROR(status::OnAlreadyExists(
            context_.organization_repository.InsertOrganizations(conn, {&org},
                                                                 {blob}, now),
            "ORGANIZATION_EXISTS",
            absl::StrCat(org.name(), " is already registered")));
        QPP_RETURN_IF_ERROR(
            context_.organizations.RecordCreated(conn, {&org}, now));
        *resp = org;
        *resp->mutable_create_time() = dates::ToTimestamp(now);
        *resp->mutable_update_time() = dates::ToTimestamp(now);
        resp->set_etag("\"1\"");
        MaskContacts(*resp);
        return absl::OkStatus();
      });
}

absl::Status Organizations::UpdateOrganization(
    const RequestContext& call, const v1::UpdateOrganizationRequest& req,
    v1::Organization* resp) {
  QPP_ASSIGN_OR_RETURN(std::string uscc,
                       resource::ParseOrganizationName(
                           req.organization().name(), "organization.name"));
  QPP_ASSIGN_OR_RETURN(auto ref, context_.reference.Get());
  return ChangeOrganization(
      DistrictScope::Of(call.principal()), req, req.request_id(), uscc,
      req.organization().etag(), resp,
      [&](const v1::Organization& org,
          absl::Time now) -> absl::StatusOr<v1::Organization> {
        QPP_RETURN_IF_ERROR(CheckActive(org));
        return ApplyOrganizationUpdate(org, req.organization(),
                                       req.update_mask(), *ref,
                                       dates::Today(now));
      });
}

absl::Status Organizations::DeleteOrganization(
    const RequestContext& call, const v1::DeleteOrganizationRequest& req,
    v1::Organization* resp) {
  QPP_ASSIGN_OR_RETURN(std::string uscc,
                       resource::ParseOrganizationName(req.name(), "name"));
  const DistrictScope scope = DistrictScope::Of(call.principal());
  QPP_RETURN_IF_ERROR(scope.RequireCityWide("archive an organisation"));
  return ChangeOrganization(scope, req, req.request_id(), uscc, req.etag(),
                            resp, ArchiveOrganization);
}

absl::Status Organizations::UndeleteOrganization(
    const RequestContext& call, const v1::UndeleteOrganizationRequest& req,
    v1::Organization* resp) {
  QPP_ASSIGN_OR_RETURN(std::string uscc,
                       resource::ParseOrganizationName(req.name(), "name"));
  const DistrictScope scope = DistrictScope::Of(call.principal());
  QPP_RETURN_IF_ERROR(scope.RequireCityWide("restore an organisation"));
  return ChangeOrganization(scope, req, req.request_id(), uscc, /*etag=*/"",
                            resp, [](const v1::Organization& org, absl::Time) {
                              return RestoreOrganization(org);
                            });
}

absl::Status Organizations::SetAdoptionStatus(
    const RequestContext& call, const v1::SetAdoptionStatusRequest& req,
    v1::Organization* resp) {
  QPP_ASSIGN_OR_RETURN(std::string uscc,
                       resource::ParseOrganizationName(req.name(), "name"));
  QPP_ASSIGN_OR_RETURN(
      absl::CivilDay day,
      AdoptionDay(req.effective_date(), dates::Today(context_.clock())));
  return ChangeOrganization(
      DistrictScope::Of(call.principal()), req, req.request_id(), uscc,
      req.etag(), resp,
      [&](const v1::Organization& org,
          absl::Time) -> absl::StatusOr<v1::Organization> {
        QPP_RETURN_IF_ERROR(CheckActive(org));
        v1::Organization advanced = org;
        QPP_RETURN_IF_ERROR(AdvanceAdoption(advanced, req.adoption_status(),
                                            day, req.evidence()));
        return advanced;
      });
}

absl::Status Organizations::ChangeOrganization(
    const DistrictScope& scope, const google::protobuf::Message& req,
    absl::string_view request_id, const std::string& uscc,
    const std::string& etag, v1::Organization* resp,
    absl::FunctionRef<absl::StatusOr<v1::Organization>(const v1::Organization&,
                                                       absl::Time)>
        change) {
  const absl::Time now = context_.clock();
  if (!scope.city_wide() && !request_id.empty()) {
    // Before the replay of a stored answer, which would otherwise hand a
    // district office another district's organisation for a request id it
    // learnt.
    QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
    QPP_RETURN_IF_ERROR(context_.organizations.CheckAccess(*conn, scope, uscc));
  }
  return db::RunIdempotent(
      context_.pool, request_id, req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(
            StoredOrganization stored,
            context_.organizations.LoadForChange(conn, scope, uscc, etag));
        QPP_ASSIGN_OR_RETURN(v1::Organization changed, change(stored.org, now));
        QPP_RETURN_IF_ERROR(scope.CheckWrite(&stored.org, changed));
        QPP_ASSIGN_OR_RETURN(
            *resp, context_.organizations.Save(conn, stored, changed, now));
        return absl::OkStatus();
      });
}

}  // namespace qpp::registry
