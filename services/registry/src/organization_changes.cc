#include "services/registry/src/organization_changes.h"

#include <string>
#include <vector>

#include "common/dates/dates.h"
#include "common/paging/page_token.h"
#include "common/status/status.h"
#include "services/registry/src/district_scope.h"
#include "services/registry/src/organization_change_rules.h"

namespace qpp::registry {

OrganizationChanges::OrganizationChanges(
    const UseCaseContext& context, OrganizationChangeRepository& repository)
    : context_(context), repository_(repository) {}

absl::Status OrganizationChanges::ListOrganizationChanges(
    const RequestContext& call, const v1::ListOrganizationChangesRequest& req,
    v1::ListOrganizationChangesResponse* resp) {
  QPP_ASSIGN_OR_RETURN(int page_size,
                       paging::EffectivePageSize(req.page_size()));
  if (!req.page_token().empty() && req.has_since()) {
    return status::InvalidField(
        "since", "set either page_token (to resume) or since, not both");
  }
  if (req.has_since() &&
      (req.since().seconds() < 0 || req.since().nanos() < 0 ||
       req.since().nanos() > 999'999'999)) {
    return status::InvalidField("since", "must be a time after 1970");
  }
  QPP_ASSIGN_OR_RETURN(int64_t after, ParseChangeFeedToken(req.page_token()));
  QPP_ASSIGN_OR_RETURN(
      std::string district,
      DistrictScope::Of(call.principal()).ListDistrict("", "district_code"));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  if (req.has_since()) {
    QPP_ASSIGN_OR_RETURN(after, repository_.PositionBefore(
                                    *conn, dates::FromTimestamp(req.since())));
  }
  // A plain read in autocommit: one consistent snapshot of committed
  // entries, which (numbered in commit order) are a gap-free prefix of the
  // feed; entries still uncommitted all have higher sequences.
  QPP_ASSIGN_OR_RETURN(
      std::vector<v1::OrganizationChange> changes,
      repository_.ListChanges(*conn, after, district, page_size));
  if (!changes.empty()) after = changes.back().sequence();
  for (v1::OrganizationChange& c : changes) {
    *resp->add_changes() = std::move(c);
  }
  resp->set_next_page_token(ChangeFeedToken(after));
  return absl::OkStatus();
}

}  // namespace qpp::registry
