// The change feed of organisations in MySQL/MariaDB: entries in
// organization_changes, numbered from the single row of
// organization_change_counter (migration 0004).

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/dates/dates.h"
#include "common/db/sql_values.h"
#include "common/resource/names.h"
#include "services/registry/src/organization_change_rules.h"
#include "services/registry/src/registry_repository.h"

namespace qpp::registry {
namespace {

using db::Row;
using db::Rows;
using db::SqlParam;

constexpr char kChangeColumns[] =
    "sequence, uscc, change_time, change_types, version, kind, "
    "district_code, size_class, credit_standing, adoption_status, "
    "key_enterprise, state";
constexpr int kChangeColumnCount = 12;
// Rows per INSERT statement.
constexpr size_t kInsertChunk = 500;

v1::OrganizationChange ChangeFromRow(const Row& r) {
  v1::OrganizationChange c;
  c.set_sequence(r.Int(0));
  c.set_organization(resource::OrganizationName(r.String(1)));
  *c.mutable_change_time() = dates::ToTimestamp(db::TimeAt(r, 2));
  SetChangeTypes(static_cast<int32_t>(r.Int(3)), c);
  c.set_etag(absl::StrCat("\"", r.Int(4), "\""));
  c.set_kind(static_cast<v1::OrganizationKind>(r.Int(5)));
  c.set_district_code(r.String(6));
  c.set_size_class(static_cast<v1::SizeClass>(r.Int(7)));
  c.set_credit_standing(static_cast<v1::CreditStanding>(r.Int(8)));
  c.set_adoption_status(static_cast<v1::AdoptionStatus>(r.Int(9)));
  c.set_key_enterprise(r.Bool(10));
  c.set_state(static_cast<v1::OrganizationState>(r.Int(11)));
  return c;
}

// The version an entry's etag ("\"7\"") names; 0 if it names none.
int64_t VersionOf(const v1::OrganizationChange& c) {
  int64_t version = 0;
  return absl::SimpleAtoi(
             absl::StripPrefix(absl::StripSuffix(c.etag(), "\""), "\""),
             &version)
             ? version
             : 0;
}

class MysqlOrganizationChangeRepository final
    : public OrganizationChangeRepository {
 public:
  absl::Status AppendChanges(
      db::Connection& conn,
      std::vector<v1::OrganizationChange>& changes) override {
    if (changes.empty()) return absl::OkStatus();
    // The lock that orders the feed: held until this transaction ends, so
    // the next writer reads the counter only after this one committed (or
    // rolled back, leaving no gap).
    QPP_ASSIGN_OR_RETURN(Rows rows,
                         conn.Query("SELECT last_sequence FROM "
                                    "organization_change_counter WHERE id = 1 "
                                    "FOR UPDATE",
                                    {}));
    if (rows.empty()) {
      return absl::InternalError("the change feed's counter is missing");
    }
    const int64_t last = rows[0].Int(0);
    QPP_RETURN_IF_ERROR(
        conn.Execute("UPDATE organization_change_counter SET last_sequence = "
                     "? WHERE id = 1",
                     {last + static_cast<int64_t>(changes.size())})
            .status());
    for (size_t i = 0; i < changes.size(); ++i) {
      changes[i].set_sequence(last + 1 + static_cast<int64_t>(i));
    }
    for (size_t start = 0; start < changes.size(); start += kInsertChunk) {
      const size_t end = std::min(changes.size(), start + kInsertChunk);
      std::vector<SqlParam> p;
      p.reserve((end - start) * kChangeColumnCount);
      for (size_t i = start; i < end; ++i) {
        const v1::OrganizationChange& c = changes[i];
        p.push_back(c.sequence());
        QPP_ASSIGN_OR_RETURN(
            std::string uscc,
            resource::ParseOrganizationName(c.organization(), "organization"));
        p.push_back(std::move(uscc));
        p.push_back(db::SqlTime(dates::FromTimestamp(c.change_time())));
        p.push_back(int64_t{ChangeTypeBits(c)});
        p.push_back(VersionOf(c));
        p.push_back(int64_t{c.kind()});
        p.push_back(c.district_code());
        p.push_back(int64_t{c.size_class()});
        p.push_back(int64_t{c.credit_standing()});
        p.push_back(int64_t{c.adoption_status()});
        p.push_back(int64_t{c.key_enterprise()});
        p.push_back(int64_t{c.state()});
      }
      QPP_RETURN_IF_ERROR(
          conn.Execute(absl::StrCat("INSERT INTO organization_changes (",
                                    kChangeColumns, ") VALUES ",
                                    db::PlaceholderRows(end - start,
                                                        kChangeColumnCount)),
                       p)
              .status());
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<v1::OrganizationChange>> ListChanges(
      db::Connection& conn, int64_t after_sequence,
      const std::string& district_code, int limit) override {
    std::vector<SqlParam> p = {after_sequence};
    std::string where = " WHERE sequence > ?";
    if (!district_code.empty()) {
      where = " WHERE district_code = ? AND sequence > ?";
      p = {district_code, after_sequence};
    }
    p.push_back(int64_t{limit});
    QPP_ASSIGN_OR_RETURN(
        Rows rows, conn.Query(absl::StrCat("SELECT ", kChangeColumns,
                                           " FROM organization_changes", where,
                                           " ORDER BY sequence LIMIT ?"),
                              p));
    std::vector<v1::OrganizationChange> out;
    out.reserve(rows.size());
    for (const Row& r : rows) out.push_back(ChangeFromRow(r));
    return out;
  }

  absl::StatusOr<int64_t> PositionBefore(db::Connection& conn,
                                         absl::Time since) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("SELECT COALESCE((SELECT MIN(sequence) - 1 FROM "
                              "organization_changes WHERE change_time >= ?), "
                              "(SELECT COALESCE(MAX(sequence), 0) FROM "
                              "organization_changes))",
                              {db::SqlTime(since)}));
    return rows.empty() ? 0 : rows[0].Int(0);
  }
};

}  // namespace

std::unique_ptr<OrganizationChangeRepository>
NewMysqlOrganizationChangeRepository() {
  return std::make_unique<MysqlOrganizationChangeRepository>();
}

}  // namespace qpp::registry
