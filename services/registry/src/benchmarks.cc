#include "services/registry/src/benchmarks.h"

#include "absl/strings/str_cat.h"
#include "common/db/idempotency.h"
#include "common/paging/list_page.h"
#include "common/resource/names.h"
#include "common/status/status.h"
#include "services/registry/src/benchmark_rules.h"
#include "services/registry/src/district_scope.h"
#include "services/registry/src/year_key.h"

namespace qpp::registry {

Benchmarks::Benchmarks(const UseCaseContext& context,
                       std::unique_ptr<BenchmarkRepository> repository)
    : context_(context), repository_(std::move(repository)) {}

absl::Status Benchmarks::CreateBenchmarkDesignation(
    const RequestContext& call,
    const v1::CreateBenchmarkDesignationRequest& req,
    v1::BenchmarkDesignation* resp) {
  QPP_ASSIGN_OR_RETURN(std::string uscc,
                       resource::ParseOrganizationName(req.parent(), "parent"));
  QPP_ASSIGN_OR_RETURN(auto ref, context_.reference.Get());
  const absl::Time now = context_.clock();
  const absl::CivilDay today = dates::Today(now);
  const DistrictScope scope = DistrictScope::Of(call.principal());
  QPP_RETURN_IF_ERROR(scope.RequireCityWide("designate benchmarks"));
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(
            StoredOrganization stored,
            context_.organizations.LoadForChange(conn, scope, uscc, ""));
        v1::BenchmarkDesignation designation = req.benchmark_designation();
        QPP_RETURN_IF_ERROR(PrepareBenchmark(
            designation, stored.org.industry_code(), *ref, today));
        QPP_RETURN_IF_ERROR(CheckBenchmarkEligible(stored.org));
        // PrepareBenchmark checked that the section is known.
        const char section = *ref->SectionOf(designation.industry_code());
        QPP_RETURN_IF_ERROR(status::OnAlreadyExists(
            repository_->InsertBenchmark(conn, uscc, designation, section, now),
            "BENCHMARK_EXISTS",
            absl::StrCat(req.parent(), " is already a benchmark in ",
                         designation.year())));
        QPP_ASSIGN_OR_RETURN(std::optional<int> first,
                             repository_->FirstBenchmarkYear(conn, uscc));
        if (auto designated = DesignateBenchmark(
                stored.org, first.value_or(designation.year()), today)) {
          QPP_RETURN_IF_ERROR(
              context_.organizations.Save(conn, stored, *designated, now)
                  .status());
        }
        *resp = designation;
        resp->set_name(
            absl::StrCat(req.parent(), "/benchmarks/", designation.year()));
        *resp->mutable_create_time() = dates::ToTimestamp(now);
        return absl::OkStatus();
      });
}

absl::Status Benchmarks::ListBenchmarkDesignations(
    const RequestContext& call, const v1::ListBenchmarkDesignationsRequest& req,
    v1::ListBenchmarkDesignationsResponse* resp) {
  BenchmarkFilter filter;
  QPP_ASSIGN_OR_RETURN(
      filter.uscc, resource::ParseOrganizationParent(req.parent(), "parent"));
  if (req.industry_section().size() > 1) {
    return status::InvalidField("industry_section", "must be one letter A..T");
  }
  filter.year = req.year();
  filter.industry_section = req.industry_section();
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
          [&](const std::string& after, int limit)
              -> absl::StatusOr<std::vector<v1::BenchmarkDesignation>> {
            QPP_ASSIGN_OR_RETURN(auto after_key, ParseYearKey(after));
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            return repository_->ListBenchmarks(*conn, filter, after_key, limit);
          },
          [](const v1::BenchmarkDesignation& b) {
            return YearKeyOf(b.year(), b.name());
          }));
  resp->set_next_page_token(page.next_page_token);
  for (auto& b : page.rows) *resp->add_benchmark_designations() = std::move(b);
  return absl::OkStatus();
}

absl::Status Benchmarks::DeleteBenchmarkDesignation(
    const RequestContext& call,
    const v1::DeleteBenchmarkDesignationRequest& req,
    v1::DeleteBenchmarkDesignationResponse* resp) {
  QPP_ASSIGN_OR_RETURN(
      resource::ChildName name,
      resource::ParseOrganizationChildName(req.name(), "benchmarks", "name"));
  QPP_ASSIGN_OR_RETURN(int year, ParseYearId(name.id, "name"));
  const absl::Time now = context_.clock();
  const absl::CivilDay today = dates::Today(now);
  const DistrictScope scope = DistrictScope::Of(call.principal());
  QPP_RETURN_IF_ERROR(scope.RequireCityWide("delete benchmark designations"));
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(
            StoredOrganization stored,
            context_.organizations.LoadForChange(conn, scope, name.parent, ""));
        QPP_ASSIGN_OR_RETURN(bool deleted, repository_->DeleteBenchmark(
                                               conn, name.parent, year));
        if (!deleted) return status::NotFound(req.name());
        QPP_ASSIGN_OR_RETURN(
            auto first, repository_->FirstBenchmarkYear(conn, name.parent));
        if (auto revoked = RevokeBenchmark(stored.org, first, today)) {
          QPP_RETURN_IF_ERROR(
              context_.organizations.Save(conn, stored, *revoked, now)
                  .status());
        }
        return absl::OkStatus();
      });
}

}  // namespace qpp::registry
