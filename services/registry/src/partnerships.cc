#include "services/registry/src/partnerships.h"

#include "absl/strings/str_cat.h"
#include "common/db/idempotency.h"
#include "common/paging/list_page.h"
#include "common/resource/names.h"
#include "common/status/status.h"
#include "services/registry/src/district_scope.h"
#include "services/registry/src/partnership_rules.h"

namespace qpp::registry {
namespace {

constexpr absl::string_view kPartnerships = "partnerships";

}  // namespace

Partnerships::Partnerships(const UseCaseContext& context,
                           std::unique_ptr<PartnershipRepository> repository)
    : context_(context), repository_(std::move(repository)) {}

absl::Status Partnerships::CreatePartnership(
    const RequestContext& call, const v1::CreatePartnershipRequest& req,
    v1::Partnership* resp) {
  QPP_ASSIGN_OR_RETURN(std::string uscc,
                       resource::ParseOrganizationName(
                           req.partnership().partner(), "partnership.partner"));
  QPP_ASSIGN_OR_RETURN(auto ref, context_.reference.Get());
  const absl::Time now = context_.clock();
  status::FieldErrors errors;
  ValidatePartnership(req.partnership(), *ref, dates::Today(now), errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  const DistrictScope scope = DistrictScope::Of(call.principal());
  QPP_RETURN_IF_ERROR(scope.RequireCityWide("register partnerships"));
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(
            StoredOrganization partner,
            context_.organizations.LoadActive(conn, scope, uscc));
        QPP_RETURN_IF_ERROR(CheckPartnerKind(partner.org));
        QPP_ASSIGN_OR_RETURN(auto registered,
                             context_.organization_repository.ExistingUsccs(
                                 conn, MemberUsccs(req.partnership())));
        QPP_RETURN_IF_ERROR(
            CheckMembersRegistered(req.partnership(), registered));
        QPP_RETURN_IF_ERROR(status::OnAlreadyExists(
            repository_->InsertPartnership(conn, uscc, req.partnership(), now),
            "PARTNERSHIP_EXISTS",
            absl::StrCat(kPartnerships, "/", uscc, " already exists")));
        QPP_ASSIGN_OR_RETURN(auto stored,
                             repository_->GetPartnership(conn, uscc, false));
        *resp = std::move(stored->partnership);
        return absl::OkStatus();
      });
}

absl::Status Partnerships::GetPartnership(const v1::GetPartnershipRequest& req,
                                          v1::Partnership* resp) {
  QPP_ASSIGN_OR_RETURN(
      std::string uscc,
      resource::ParseUsccName(req.name(), kPartnerships, "name"));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  QPP_ASSIGN_OR_RETURN(auto found,
                       repository_->GetPartnership(*conn, uscc, false));
  if (!found.has_value()) return status::NotFound(req.name());
  *resp = std::move(found->partnership);
  return absl::OkStatus();
}

absl::Status Partnerships::ListPartnerships(
    const v1::ListPartnershipsRequest& req,
    v1::ListPartnershipsResponse* resp) {
  if (req.industry_code().size() > 4) {
    return status::InvalidField("industry_code", "is at most 4 digits");
  }
  const PartnershipFilter filter{req.industry_code()};
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<v1::Partnership>> {
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            return repository_->ListPartnerships(*conn, filter, after, limit);
          },
          [](const v1::Partnership& p) {
            return p.name().substr(p.name().rfind('/') + 1);
          }));
  resp->set_next_page_token(page.next_page_token);
  for (auto& p : page.rows) *resp->add_partnerships() = std::move(p);
  return absl::OkStatus();
}

absl::Status Partnerships::UpdatePartnership(
    const RequestContext& call, const v1::UpdatePartnershipRequest& req,
    v1::Partnership* resp) {
  const v1::Partnership& patch = req.partnership();
  QPP_ASSIGN_OR_RETURN(
      std::string uscc,
      resource::ParseUsccName(patch.name(), kPartnerships, "partnership.name"));
  QPP_ASSIGN_OR_RETURN(std::vector<std::string> paths,
                       PartnershipUpdatePaths(req.update_mask()));
  QPP_ASSIGN_OR_RETURN(auto ref, context_.reference.Get());
  const absl::Time now = context_.clock();
  status::FieldErrors errors;
  ValidatePartnership(patch, *ref, dates::Today(now), errors, paths);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_RETURN_IF_ERROR(DistrictScope::Of(call.principal())
                          .RequireCityWide("change partnerships"));
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(auto found,
                             repository_->GetPartnership(conn, uscc, true));
        if (!found.has_value()) return status::NotFound(patch.name());
        QPP_RETURN_IF_ERROR(status::CheckEtag(
            patch.etag(), found->partnership.etag(), "the partnership"));
        const v1::Partnership updated =
            ApplyPartnershipUpdate(found->partnership, patch, paths);
        QPP_ASSIGN_OR_RETURN(auto registered,
                             context_.organization_repository.ExistingUsccs(
                                 conn, MemberUsccs(updated)));
        QPP_RETURN_IF_ERROR(CheckMembersRegistered(updated, registered));
        QPP_ASSIGN_OR_RETURN(
            bool written, repository_->UpdatePartnership(conn, uscc, updated,
                                                         found->version, now));
        if (!written) return status::ConcurrentUpdate("the partnership");
        QPP_ASSIGN_OR_RETURN(auto stored,
                             repository_->GetPartnership(conn, uscc, false));
        *resp = std::move(stored->partnership);
        return absl::OkStatus();
      });
}

absl::Status Partnerships::DeletePartnership(
    const RequestContext& call, const v1::DeletePartnershipRequest& req,
    v1::DeletePartnershipResponse* resp) {
  QPP_ASSIGN_OR_RETURN(
      std::string uscc,
      resource::ParseUsccName(req.name(), kPartnerships, "name"));
  QPP_RETURN_IF_ERROR(DistrictScope::Of(call.principal())
                          .RequireCityWide("delete partnerships"));
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(bool deleted,
                             repository_->DeletePartnership(conn, uscc));
        return deleted ? absl::OkStatus() : status::NotFound(req.name());
      });
}

}  // namespace qpp::registry
