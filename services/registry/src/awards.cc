#include "services/registry/src/awards.h"

#include "absl/strings/str_cat.h"
#include "common/db/idempotency.h"
#include "common/paging/list_page.h"
#include "common/resource/names.h"
#include "common/status/status.h"
#include "services/registry/src/award_rules.h"
#include "services/registry/src/district_scope.h"
#include "services/registry/src/year_key.h"

namespace qpp::registry {

Awards::Awards(const UseCaseContext& context,
               std::unique_ptr<AwardRepository> repository)
    : context_(context), repository_(std::move(repository)) {}

absl::Status Awards::CreateAwardRecord(const RequestContext& call,
                                       const v1::CreateAwardRecordRequest& req,
                                       v1::AwardRecord* resp) {
  QPP_ASSIGN_OR_RETURN(std::string uscc,
                       resource::ParseOrganizationName(req.parent(), "parent"));
  const absl::Time now = context_.clock();
  QPP_RETURN_IF_ERROR(
      ValidateAwardRecord(req.award_record(), dates::Today(now)));
  const int year = req.award_record().year();
  const DistrictScope scope = DistrictScope::Of(call.principal());
  QPP_RETURN_IF_ERROR(scope.RequireCityWide("record awards"));
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_RETURN_IF_ERROR(
            context_.organizations.LoadActive(conn, scope, uscc).status());
        QPP_RETURN_IF_ERROR(status::OnAlreadyExists(
            repository_->InsertAward(conn, uscc, req.award_record(), now),
            "AWARD_EXISTS",
            absl::StrCat(req.parent(), " already has an award in ", year)));
        *resp = req.award_record();
        resp->set_name(absl::StrCat(req.parent(), "/awards/", year));
        *resp->mutable_create_time() = dates::ToTimestamp(now);
        return absl::OkStatus();
      });
}

absl::Status Awards::ListAwardRecords(const RequestContext& call,
                                      const v1::ListAwardRecordsRequest& req,
                                      v1::ListAwardRecordsResponse* resp) {
  AwardFilter filter;
  QPP_ASSIGN_OR_RETURN(
      filter.uscc, resource::ParseOrganizationParent(req.parent(), "parent"));
  filter.year = req.year();
  filter.level = req.level();
  const DistrictScope scope = DistrictScope::Of(call.principal());
  QPP_ASSIGN_OR_RETURN(filter.district_code, scope.ListDistrict("", "parent"));
  if (!filter.uscc.empty()) {
    QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
    QPP_RETURN_IF_ERROR(
        context_.organizations.CheckAccess(*conn, scope, filter.uscc));
  }
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<v1::AwardRecord>> {
            QPP_ASSIGN_OR_RETURN(auto after_key, ParseYearKey(after));
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            return repository_->ListAwards(*conn, filter, after_key, limit);
          },
          [](const v1::AwardRecord& a) {
            return YearKeyOf(a.year(), a.name());
          }));
  resp->set_next_page_token(page.next_page_token);
  for (auto& a : page.rows) *resp->add_award_records() = std::move(a);
  return absl::OkStatus();
}

absl::Status Awards::DeleteAwardRecord(const RequestContext& call,
                                       const v1::DeleteAwardRecordRequest& req,
                                       v1::DeleteAwardRecordResponse* resp) {
  QPP_ASSIGN_OR_RETURN(
      resource::ChildName name,
      resource::ParseOrganizationChildName(req.name(), "awards", "name"));
  QPP_ASSIGN_OR_RETURN(int year, ParseYearId(name.id, "name"));
  QPP_RETURN_IF_ERROR(DistrictScope::Of(call.principal())
                          .RequireCityWide("delete award records"));
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(bool deleted,
                             repository_->DeleteAward(conn, name.parent, year));
        return deleted ? absl::OkStatus() : status::NotFound(req.name());
      });
}

}  // namespace qpp::registry
