#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/db/sql_values.h"
#include "common/db/where_clause.h"
#include "common/resource/names.h"
#include "services/registry/src/partnership_rules.h"
#include "services/registry/src/registry_repository.h"

namespace qpp::registry {
namespace {

using db::Row;
using db::Rows;
using db::SqlParam;

// Inserts the industries and members of the partnership of `uscc`.
absl::Status WritePartnershipLists(db::Connection& conn,
                                   const std::string& uscc,
                                   const v1::Partnership& p) {
  if (!p.industry_codes().empty()) {
    std::vector<SqlParam> params;
    for (const auto& code : p.industry_codes()) {
      params.push_back(uscc);
      params.push_back(code);
    }
    QPP_RETURN_IF_ERROR(
        conn.Execute(
                absl::StrCat("INSERT INTO partnership_industries "
                             "(partner_uscc, industry_code) VALUES ",
                             db::PlaceholderRows(p.industry_codes_size(), 2)),
                params)
            .status());
  }
  if (!p.members().empty()) {
    std::vector<SqlParam> params;
    for (const std::string& member : MemberUsccs(p)) {
      params.push_back(uscc);
      params.push_back(member);
    }
    QPP_RETURN_IF_ERROR(
        conn.Execute(absl::StrCat("INSERT INTO partnership_members "
                                  "(partner_uscc, member_uscc) VALUES ",
                                  db::PlaceholderRows(p.members_size(), 2)),
                     params)
            .status());
  }
  return absl::OkStatus();
}

// Partnerships matching `where`, ordered by the partner's USCC, with their
// industries and members; locked until the transaction ends if `for_update`.
absl::StatusOr<std::vector<StoredPartnership>> QueryPartnerships(
    db::Connection& conn, const db::WhereClause& where, int limit,
    bool for_update) {
  std::vector<SqlParam> params = where.params();
  params.push_back(int64_t{limit});
  QPP_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query(absl::StrCat("SELECT p.uscc, p.start_date, p.remarks, "
                              "p.create_time, p.update_time, p.version FROM "
                              "partnerships p",
                              where.Sql(), " ORDER BY p.uscc LIMIT ?",
                              for_update ? " FOR UPDATE" : ""),
                 params));
  std::vector<StoredPartnership> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    StoredPartnership stored;
    v1::Partnership& p = stored.partnership;
    const std::string uscc = r.String(0);
    p.set_name(absl::StrCat("partnerships/", uscc));
    p.set_partner(resource::OrganizationName(uscc));
    if (auto day = db::DayAt(r, 1))
      *p.mutable_start_date() = dates::ToDate(*day);
    p.set_remarks(r.String(2));
    *p.mutable_create_time() = dates::ToTimestamp(db::TimeAt(r, 3));
    *p.mutable_update_time() = dates::ToTimestamp(db::TimeAt(r, 4));
    stored.version = r.Int(5);
    p.set_etag(absl::StrCat("\"", stored.version, "\""));
    QPP_ASSIGN_OR_RETURN(
        Rows industries,
        conn.Query("SELECT industry_code FROM partnership_industries WHERE "
                   "partner_uscc = ? ORDER BY industry_code",
                   {uscc}));
    for (const Row& i : industries) p.add_industry_codes(i.String(0));
    QPP_ASSIGN_OR_RETURN(
        Rows members,
        conn.Query("SELECT member_uscc FROM partnership_members WHERE "
                   "partner_uscc = ? ORDER BY member_uscc",
                   {uscc}));
    for (const Row& m : members) {
      p.add_members(resource::OrganizationName(m.String(0)));
    }
    out.push_back(std::move(stored));
  }
  return out;
}

class MysqlPartnershipRepository final : public PartnershipRepository {
 public:
  absl::Status InsertPartnership(db::Connection& conn, const std::string& uscc,
                                 const v1::Partnership& p,
                                 absl::Time now) override {
    const std::string ts = db::SqlTime(now);
    QPP_RETURN_IF_ERROR(
        conn.Execute("INSERT INTO partnerships (uscc, start_date, remarks, "
                     "create_time, update_time, version) VALUES "
                     "(?, ?, ?, ?, ?, 1)",
                     {uscc, StartDate(p), p.remarks(), ts, ts})
            .status());
    return WritePartnershipLists(conn, uscc, p);
  }

  absl::StatusOr<std::optional<StoredPartnership>> GetPartnership(
      db::Connection& conn, const std::string& uscc, bool for_update) override {
    db::WhereClause where;
    where.And("p.uscc = ?", {uscc});
    QPP_ASSIGN_OR_RETURN(auto list,
                         QueryPartnerships(conn, where, 1, for_update));
    if (list.empty()) return std::nullopt;
    return std::move(list[0]);
  }

  absl::StatusOr<std::vector<v1::Partnership>> ListPartnerships(
      db::Connection& conn, const PartnershipFilter& filter,
      const std::string& after, int limit) override {
    db::WhereClause where;
    where.And("p.uscc > ?", {after});
    if (!filter.industry_code.empty()) {
      where.And(
          "EXISTS (SELECT 1 FROM partnership_industries i WHERE "
          "i.partner_uscc = p.uscc AND i.industry_code = ?)",
          {filter.industry_code});
    }
    QPP_ASSIGN_OR_RETURN(auto list, QueryPartnerships(conn, where, limit,
                                                      /*for_update=*/false));
    std::vector<v1::Partnership> out;
    out.reserve(list.size());
    for (auto& stored : list) out.push_back(std::move(stored.partnership));
    return out;
  }

  absl::StatusOr<bool> UpdatePartnership(db::Connection& conn,
                                         const std::string& uscc,
                                         const v1::Partnership& p,
                                         int64_t expected_version,
                                         absl::Time now) override {
    QPP_ASSIGN_OR_RETURN(
        uint64_t n,
        conn.Execute("UPDATE partnerships SET start_date = ?, remarks = ?, "
                     "update_time = ?, version = version + 1 "
                     "WHERE uscc = ? AND version = ?",
                     {StartDate(p), p.remarks(), db::SqlTime(now), uscc,
                      expected_version}));
    if (n != 1) return false;
    QPP_RETURN_IF_ERROR(
        conn.Execute(
                "DELETE FROM partnership_industries WHERE partner_uscc = ?",
                {uscc})
            .status());
    QPP_RETURN_IF_ERROR(
        conn.Execute("DELETE FROM partnership_members WHERE partner_uscc = ?",
                     {uscc})
            .status());
    QPP_RETURN_IF_ERROR(WritePartnershipLists(conn, uscc, p));
    return true;
  }

  absl::StatusOr<bool> DeletePartnership(db::Connection& conn,
                                         const std::string& uscc) override {
    QPP_ASSIGN_OR_RETURN(
        uint64_t n,
        conn.Execute("DELETE FROM partnerships WHERE uscc = ?", {uscc}));
    return n == 1;
  }

 private:
  static SqlParam StartDate(const v1::Partnership& p) {
    return db::SqlDayOrNull(dates::ToCivilDay(p.start_date()));
  }
};

}  // namespace

std::unique_ptr<PartnershipRepository> NewMysqlPartnershipRepository() {
  return std::make_unique<MysqlPartnershipRepository>();
}

}  // namespace qpp::registry
