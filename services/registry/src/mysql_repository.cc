#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "services/registry/src/repository.h"

namespace qpp::registry {
namespace {

using db::Row;
using db::Rows;
using db::SqlParam;

constexpr char kOrgColumns[] =
    "uscc, display_name, kind, district_code, industry_code, "
    "industry_section, employees, annual_revenue_yuan, total_assets_yuan, "
    "size_class, size_rule_version, flag_listing_cultivation, "
    "flag_high_tech, flag_growth, flag_exemplary_public_service, "
    "credit_standing, credit_since, credit_reason, adoption_status, "
    "introducing_date, adopted_date, benchmark_date, contacts_encrypted, "
    "state, create_time, update_time, delete_time, version";
constexpr int kOrgColumnCount = 28;

std::string DbTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S", t, absl::UTCTimeZone());
}

// Parses MariaDB's DATETIME(6) text, "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC;
// every organisation read has two, so no general-purpose parser here.
google::protobuf::Timestamp ToTimestamp(const std::string& db_time) {
  google::protobuf::Timestamp ts;
  const auto digits = [&](size_t pos, size_t n, int* out) {
    if (pos + n > db_time.size()) return false;
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (db_time[i] < '0' || db_time[i] > '9') return false;
      v = v * 10 + (db_time[i] - '0');
    }
    *out = v;
    return true;
  };
  int y, mo, d, h, mi, sec, micros = 0;
  if (!digits(0, 4, &y) || !digits(5, 2, &mo) || !digits(8, 2, &d) ||
      !digits(11, 2, &h) || !digits(14, 2, &mi) || !digits(17, 2, &sec)) {
    return ts;
  }
  if (db_time.size() >= 26 && db_time[19] == '.') digits(20, 6, &micros);
  const absl::Time t = absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, sec),
                                       absl::UTCTimeZone());
  ts.set_seconds(absl::ToUnixSeconds(t));
  ts.set_nanos(micros * 1000);
  return ts;
}

SqlParam DateParam(const qpp::type::v1::Date& d) {
  if (!IsSet(d)) return nullptr;
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

std::string DayString(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

// Reads a DATE column; NULL leaves the message unset (mutable_date is only
// called for a value, so unset dates stay absent in responses).
template <typename MutableDate>
void SetDate(const Row& row, size_t i, MutableDate mutable_date) {
  if (row.IsNull(i)) return;
  absl::CivilDay day;
  if (absl::ParseCivilTime(row.String(i), &day)) *mutable_date() = ToDate(day);
}

std::optional<int64_t> OptInt(const Row& row, size_t i) {
  if (row.IsNull(i)) return std::nullopt;
  return row.Int(i);
}

// "(?, ?, ...)" with n placeholders.
std::string Placeholders(int n) {
  std::string out = "(";
  for (int i = 0; i < n; ++i) absl::StrAppend(&out, i ? ", ?" : "?");
  return out + ")";
}

StoredOrganization OrgFromRow(const Row& r) {
  StoredOrganization s;
  v1::Organization& o = s.org;
  o.set_uscc(r.String(0));
  o.set_name(OrganizationName(o.uscc()));
  o.set_display_name(r.String(1));
  o.set_kind(static_cast<v1::OrganizationKind>(r.Int(2)));
  o.set_district_code(r.String(3));
  o.set_industry_code(r.String(4));
  o.set_industry_section(r.String(5));
  o.set_employees(r.Int(6));
  o.set_annual_revenue_yuan(r.Int(7));
  o.set_total_assets_yuan(r.Int(8));
  o.set_size_class(static_cast<v1::SizeClass>(r.Int(9)));
  o.set_size_rule_version(r.String(10));
  o.mutable_flags()->set_listing_cultivation(r.Bool(11));
  o.mutable_flags()->set_high_tech(r.Bool(12));
  o.mutable_flags()->set_growth(r.Bool(13));
  o.mutable_flags()->set_exemplary_public_service(r.Bool(14));
  o.mutable_credit()->set_standing(static_cast<v1::CreditStanding>(r.Int(15)));
  SetDate(r, 16, [&] { return o.mutable_credit()->mutable_since(); });
  o.mutable_credit()->set_reason(r.String(17));
  o.set_adoption_status(static_cast<v1::AdoptionStatus>(r.Int(18)));
  SetDate(r, 19, [&] {
    return o.mutable_adoption_history()->mutable_introducing_date();
  });
  SetDate(r, 20,
          [&] { return o.mutable_adoption_history()->mutable_adopted_date(); });
  SetDate(r, 21, [&] {
    return o.mutable_adoption_history()->mutable_benchmark_date();
  });
  s.contacts_blob = r.String(22);
  o.set_state(static_cast<v1::OrganizationState>(r.Int(23)));
  *o.mutable_create_time() = ToTimestamp(r.String(24));
  *o.mutable_update_time() = ToTimestamp(r.String(25));
  if (!r.IsNull(26)) *o.mutable_delete_time() = ToTimestamp(r.String(26));
  s.version = r.Int(27);
  o.set_etag(absl::StrCat("\"", s.version, "\""));
  return s;
}

// Values of the mutable columns, in kOrgColumns order from display_name to
// state (without times and version).
void AppendOrgValues(const v1::Organization& o, const std::string& blob,
                     std::vector<SqlParam>& p) {
  p.push_back(o.display_name());
  p.push_back(int64_t{o.kind()});
  p.push_back(o.district_code());
  p.push_back(o.industry_code());
  p.push_back(o.industry_section());
  p.push_back(o.employees());
  p.push_back(o.annual_revenue_yuan());
  p.push_back(o.total_assets_yuan());
  p.push_back(int64_t{o.size_class()});
  p.push_back(o.size_rule_version());
  p.push_back(int64_t{o.flags().listing_cultivation()});
  p.push_back(int64_t{o.flags().high_tech()});
  p.push_back(int64_t{o.flags().growth()});
  p.push_back(int64_t{o.flags().exemplary_public_service()});
  p.push_back(int64_t{o.credit().standing()});
  p.push_back(DateParam(o.credit().since()));
  p.push_back(o.credit().reason());
  p.push_back(int64_t{o.adoption_status()});
  p.push_back(DateParam(o.adoption_history().introducing_date()));
  p.push_back(DateParam(o.adoption_history().adopted_date()));
  p.push_back(DateParam(o.adoption_history().benchmark_date()));
  if (blob.empty()) {
    p.push_back(nullptr);
  } else {
    p.push_back(blob);
  }
  p.push_back(int64_t{o.state()});
}

SmeThresholds Thresholds(const Row& r, size_t first) {
  return {OptInt(r, first), OptInt(r, first + 1), OptInt(r, first + 2)};
}

class MysqlRegistryRepository final : public RegistryRepository {
 public:
  absl::StatusOr<ReferenceData> LoadReferenceData(
      db::Connection& conn) override {
    ReferenceData ref;
    QPP_ASSIGN_OR_RETURN(Rows districts,
                         conn.Query("SELECT code, name FROM districts"));
    for (const Row& r : districts) ref.districts[r.String(0)] = r.String(1);
    QPP_ASSIGN_OR_RETURN(
        Rows sections,
        conn.Query("SELECT section, name, division_from, division_to "
                   "FROM industry_sections ORDER BY division_from"));
    for (const Row& r : sections) {
      ref.sections.push_back({r.String(0)[0], r.String(1),
                              static_cast<int>(r.Int(2)),
                              static_cast<int>(r.Int(3))});
    }
    QPP_ASSIGN_OR_RETURN(
        Rows rules,
        conn.Query("SELECT rule_set, effective_from, code_prefix, group_name, "
                   "large_employees, large_revenue_yuan, large_assets_yuan, "
                   "medium_employees, medium_revenue_yuan, medium_assets_yuan, "
                   "small_employees, small_revenue_yuan, small_assets_yuan "
                   "FROM sme_rules"));
    for (const Row& r : rules) {
      SmeRule rule;
      rule.rule_set = r.String(0);
      absl::ParseCivilTime(r.String(1), &rule.effective_from);
      rule.code_prefix = r.String(2);
      rule.group_name = r.String(3);
      rule.large = Thresholds(r, 4);
      rule.medium = Thresholds(r, 7);
      rule.small = Thresholds(r, 10);
      ref.sme_rules.push_back(std::move(rule));
    }
    QPP_ASSIGN_OR_RETURN(Rows sheets,
                         conn.Query("SELECT version, effective_from FROM "
                                    "score_sheets ORDER BY effective_from"));
    for (const Row& r : sheets) {
      ScoreSheetDef sheet;
      sheet.version = r.String(0);
      absl::ParseCivilTime(r.String(1), &sheet.effective_from);
      QPP_ASSIGN_OR_RETURN(
          Rows cats, conn.Query("SELECT category_code, title, max_points FROM "
                                "score_sheet_categories WHERE version = ? "
                                "ORDER BY category_code",
                                {sheet.version}));
      for (const Row& c : cats) {
        sheet.categories.push_back(
            {c.String(0), c.String(1), static_cast<int>(c.Int(2))});
      }
      QPP_ASSIGN_OR_RETURN(
          Rows items,
          conn.Query("SELECT item_code, category_code, title, max_points FROM "
                     "score_sheet_items WHERE version = ? ORDER BY item_code",
                     {sheet.version}));
      for (const Row& i : items) {
        sheet.items.push_back({i.String(0), i.String(1), i.String(2),
                               static_cast<int>(i.Int(3))});
      }
      ref.score_sheets.push_back(std::move(sheet));
    }
    return ref;
  }

  absl::StatusOr<std::optional<StoredOrganization>> GetOrganization(
      db::Connection& conn, const std::string& uscc, bool for_update) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows, conn.Query(absl::StrCat("SELECT ", kOrgColumns,
                                           " FROM organizations WHERE uscc = ?",
                                           for_update ? " FOR UPDATE" : ""),
                              {uscc}));
    if (rows.empty()) return std::nullopt;
    return OrgFromRow(rows[0]);
  }

  absl::Status InsertOrganizations(
      db::Connection& conn, const std::vector<const v1::Organization*>& orgs,
      const std::vector<std::string>& blobs, absl::Time now) override {
    if (orgs.empty()) return absl::OkStatus();
    const std::string ts = DbTime(now);
    std::vector<SqlParam> params;
    params.reserve(orgs.size() * kOrgColumnCount);
    std::string sql =
        absl::StrCat("INSERT INTO organizations (", kOrgColumns, ") VALUES ");
    const std::string row = Placeholders(kOrgColumnCount);
    for (size_t i = 0; i < orgs.size(); ++i) {
      absl::StrAppend(&sql, i ? ", " : "", row);
      params.push_back(orgs[i]->uscc());
      AppendOrgValues(*orgs[i], blobs[i], params);
      params.push_back(ts);
      params.push_back(ts);
      params.push_back(nullptr);
      params.push_back(int64_t{1});
    }
    return conn.Execute(sql, params).status();
  }

  absl::StatusOr<bool> UpdateOrganization(db::Connection& conn,
                                          const v1::Organization& org,
                                          const std::string& blob,
                                          int64_t expected_version,
                                          absl::Time now) override {
    std::vector<SqlParam> p;
    AppendOrgValues(org, blob, p);
    p.push_back(
        org.has_delete_time()
            ? SqlParam(DbTime(absl::FromUnixMicros(
                  google::protobuf::util::TimeUtil::TimestampToMicroseconds(
                      org.delete_time()))))
            : SqlParam(nullptr));
    p.push_back(DbTime(now));
    p.push_back(org.uscc());
    p.push_back(expected_version);
    QPP_ASSIGN_OR_RETURN(
        uint64_t n,
        conn.Execute(
            "UPDATE organizations SET display_name = ?, kind = ?, "
            "district_code = ?, industry_code = ?, industry_section = ?, "
            "employees = ?, annual_revenue_yuan = ?, total_assets_yuan = ?, "
            "size_class = ?, size_rule_version = ?, "
            "flag_listing_cultivation = ?, flag_high_tech = ?, "
            "flag_growth = ?, flag_exemplary_public_service = ?, "
            "credit_standing = ?, credit_since = ?, credit_reason = ?, "
            "adoption_status = ?, introducing_date = ?, adopted_date = ?, "
            "benchmark_date = ?, contacts_encrypted = ?, state = ?, "
            "delete_time = ?, update_time = ?, version = version + 1 "
            "WHERE uscc = ? AND version = ?",
            p));
    return n == 1;
  }

  absl::StatusOr<std::set<std::string>> ExistingUsccs(
      db::Connection& conn, const std::vector<std::string>& usccs) override {
    std::set<std::string> out;
    if (usccs.empty()) return out;
    std::vector<SqlParam> p(usccs.begin(), usccs.end());
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(absl::StrCat("SELECT uscc FROM organizations WHERE uscc IN ",
                                Placeholders(static_cast<int>(usccs.size()))),
                   p));
    for (const Row& r : rows) out.insert(r.String(0));
    return out;
  }

  absl::StatusOr<std::vector<StoredOrganization>> ListOrganizations(
      db::Connection& conn, const v1::ListOrganizationsRequest& f,
      const std::string& after, int limit) override {
    std::string sql = absl::StrCat("SELECT ", kOrgColumns,
                                   " FROM organizations o WHERE uscc > ?");
    std::vector<SqlParam> p = {after};
    if (!f.show_deleted()) {
      absl::StrAppend(&sql, " AND state = ?");
      p.push_back(int64_t{v1::ORGANIZATION_STATE_ACTIVE});
    }
    if (!f.district_code().empty()) {
      absl::StrAppend(&sql, " AND district_code = ?");
      p.push_back(f.district_code());
    }
    if (!f.industry_section().empty()) {
      absl::StrAppend(&sql, " AND industry_section = ?");
      p.push_back(f.industry_section());
    }
    if (!f.industry_code().empty()) {
      absl::StrAppend(&sql, " AND industry_code LIKE ?");
      p.push_back(absl::StrCat(db::EscapeLike(f.industry_code()), "%"));
    }
    if (f.size_class() != v1::SIZE_CLASS_UNSPECIFIED) {
      absl::StrAppend(&sql, " AND size_class = ?");
      p.push_back(int64_t{f.size_class()});
    }
    if (f.kind() != v1::ORGANIZATION_KIND_UNSPECIFIED) {
      absl::StrAppend(&sql, " AND kind = ?");
      p.push_back(int64_t{f.kind()});
    }
    if (f.adoption_status() != v1::ADOPTION_STATUS_UNSPECIFIED) {
      absl::StrAppend(&sql, " AND adoption_status = ?");
      p.push_back(int64_t{f.adoption_status()});
    }
    if (f.credit_standing() != v1::CREDIT_STANDING_UNSPECIFIED) {
      absl::StrAppend(&sql, " AND credit_standing = ?");
      p.push_back(int64_t{f.credit_standing()});
    }
    if (f.award_level() != v1::AWARD_LEVEL_UNSPECIFIED) {
      absl::StrAppend(&sql,
                      " AND EXISTS (SELECT 1 FROM award_records a WHERE "
                      "a.uscc = o.uscc AND a.level = ?)");
      p.push_back(int64_t{f.award_level()});
    }
    if (!f.name_query().empty()) {
      absl::StrAppend(&sql, " AND display_name LIKE ?");
      p.push_back(absl::StrCat("%", db::EscapeLike(f.name_query()), "%"));
    }
    absl::StrAppend(&sql, " ORDER BY uscc LIMIT ?");
    p.push_back(int64_t{limit});
    QPP_ASSIGN_OR_RETURN(Rows rows, conn.Query(sql, p));
    std::vector<StoredOrganization> out;
    out.reserve(rows.size());
    for (const Row& r : rows) out.push_back(OrgFromRow(r));
    return out;
  }

  absl::Status InsertAward(db::Connection& conn, const std::string& uscc,
                           const v1::AwardRecord& a, absl::Time now) override {
    return conn
        .Execute(
            "INSERT INTO award_records (uscc, year, level, category, "
            "citation, create_time) VALUES (?, ?, ?, ?, ?, ?)",
            {uscc, int64_t{a.year()}, int64_t{a.level()}, a.category(),
             a.citation(), DbTime(now)})
        .status();
  }

  absl::StatusOr<std::vector<v1::AwardRecord>> ListAwards(
      db::Connection& conn, const std::string& uscc, int year,
      v1::AwardLevel level, const std::optional<AwardKey>& after,
      int limit) override {
    std::string sql =
        "SELECT uscc, year, level, category, citation, create_time FROM "
        "award_records WHERE 1 = 1";
    std::vector<SqlParam> p;
    AppendYearUsccFilter(uscc, year, after, sql, p);
    if (level != v1::AWARD_LEVEL_UNSPECIFIED) {
      absl::StrAppend(&sql, " AND level = ?");
      p.push_back(int64_t{level});
    }
    absl::StrAppend(&sql, " ORDER BY year DESC, uscc LIMIT ?");
    p.push_back(int64_t{limit});
    QPP_ASSIGN_OR_RETURN(Rows rows, conn.Query(sql, p));
    std::vector<v1::AwardRecord> out;
    for (const Row& r : rows) {
      v1::AwardRecord a;
      a.set_name(
          absl::StrCat("organizations/", r.String(0), "/awards/", r.Int(1)));
      a.set_year(static_cast<int32_t>(r.Int(1)));
      a.set_level(static_cast<v1::AwardLevel>(r.Int(2)));
      a.set_category(r.String(3));
      a.set_citation(r.String(4));
      *a.mutable_create_time() = ToTimestamp(r.String(5));
      out.push_back(std::move(a));
    }
    return out;
  }

  absl::StatusOr<bool> DeleteAward(db::Connection& conn,
                                   const std::string& uscc, int year) override {
    QPP_ASSIGN_OR_RETURN(
        uint64_t n,
        conn.Execute("DELETE FROM award_records WHERE uscc = ? AND year = ?",
                     {uscc, int64_t{year}}));
    return n == 1;
  }

  absl::StatusOr<int64_t> InsertAssessment(db::Connection& conn,
                                           const std::string& uscc,
                                           const v1::SelfAssessment& a,
                                           absl::Time now) override {
    const int64_t total_centi =
        static_cast<int64_t>(a.total_points() * 100.0 + 0.5);
    QPP_RETURN_IF_ERROR(
        conn.Execute("INSERT INTO self_assessments (uscc, sheet_version, "
                     "assessment_date, assessor_certificate, total_centi, "
                     "create_time) VALUES (?, ?, ?, ?, ?, ?)",
                     {uscc, a.sheet_version(), DateParam(a.assessment_date()),
                      a.assessor_certificate(), total_centi, DbTime(now)})
            .status());
    QPP_ASSIGN_OR_RETURN(int64_t id, conn.LastInsertId());
    std::string sql =
        "INSERT INTO self_assessment_items (assessment_id, item_code, "
        "percent) VALUES ";
    std::vector<SqlParam> p;
    for (int i = 0; i < a.items_size(); ++i) {
      absl::StrAppend(&sql, i ? ", " : "", "(?, ?, ?)");
      p.push_back(id);
      p.push_back(a.items(i).item_code());
      p.push_back(int64_t{a.items(i).percent()});
    }
    QPP_RETURN_IF_ERROR(conn.Execute(sql, p).status());
    return id;
  }

  absl::StatusOr<std::optional<v1::SelfAssessment>> GetAssessment(
      db::Connection& conn, const std::string& uscc, int64_t id) override {
    QPP_ASSIGN_OR_RETURN(
        auto list,
        QueryAssessments(conn, "uscc = ? AND id = ?", {uscc, id}, 1));
    if (list.empty()) return std::nullopt;
    return std::move(list[0]);
  }

  absl::StatusOr<std::vector<v1::SelfAssessment>> ListAssessments(
      db::Connection& conn, const std::string& uscc, int64_t after_id,
      int limit) override {
    if (after_id == 0) {
      return QueryAssessments(conn, "uscc = ?", {uscc}, limit);
    }
    // Keyset on (assessment_date DESC, id DESC) from the last row seen.
    return QueryAssessments(
        conn,
        "uscc = ? AND (assessment_date, id) < (SELECT assessment_date, id "
        "FROM self_assessments WHERE id = ?)",
        {uscc, after_id}, limit);
  }

  absl::Status InsertBenchmark(db::Connection& conn, const std::string& uscc,
                               const v1::BenchmarkDesignation& b, char section,
                               absl::Time now) override {
    return conn
        .Execute(
            "INSERT INTO benchmark_designations (uscc, year, "
            "industry_code, industry_section, citation, create_time) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            {uscc, int64_t{b.year()}, b.industry_code(),
             std::string(1, section), b.citation(), DbTime(now)})
        .status();
  }

  absl::StatusOr<std::vector<v1::BenchmarkDesignation>> ListBenchmarks(
      db::Connection& conn, const std::string& uscc, int year,
      const std::string& section, const std::optional<AwardKey>& after,
      int limit) override {
    std::string sql =
        "SELECT uscc, year, industry_code, citation, create_time FROM "
        "benchmark_designations WHERE 1 = 1";
    std::vector<SqlParam> p;
    AppendYearUsccFilter(uscc, year, after, sql, p);
    if (!section.empty()) {
      absl::StrAppend(&sql, " AND industry_section = ?");
      p.push_back(section);
    }
    absl::StrAppend(&sql, " ORDER BY year DESC, uscc LIMIT ?");
    p.push_back(int64_t{limit});
    QPP_ASSIGN_OR_RETURN(Rows rows, conn.Query(sql, p));
    std::vector<v1::BenchmarkDesignation> out;
    for (const Row& r : rows) {
      v1::BenchmarkDesignation b;
      b.set_name(absl::StrCat("organizations/", r.String(0), "/benchmarks/",
                              r.Int(1)));
      b.set_year(static_cast<int32_t>(r.Int(1)));
      b.set_industry_code(r.String(2));
      b.set_citation(r.String(3));
      *b.mutable_create_time() = ToTimestamp(r.String(4));
      out.push_back(std::move(b));
    }
    return out;
  }

  absl::StatusOr<bool> DeleteBenchmark(db::Connection& conn,
                                       const std::string& uscc,
                                       int year) override {
    QPP_ASSIGN_OR_RETURN(
        uint64_t n,
        conn.Execute(
            "DELETE FROM benchmark_designations WHERE uscc = ? AND year = ?",
            {uscc, int64_t{year}}));
    return n == 1;
  }

  absl::StatusOr<std::optional<int>> FirstBenchmarkYear(
      db::Connection& conn, const std::string& uscc) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(
            "SELECT MIN(year) FROM benchmark_designations WHERE uscc = ?",
            {uscc}));
    if (rows.empty() || rows[0].IsNull(0)) return std::nullopt;
    return static_cast<int>(rows[0].Int(0));
  }

  absl::Status InsertPartnership(db::Connection& conn, const std::string& uscc,
                                 const v1::Partnership& p,
                                 absl::Time now) override {
    const std::string ts = DbTime(now);
    QPP_RETURN_IF_ERROR(
        conn.Execute("INSERT INTO partnerships (uscc, start_date, remarks, "
                     "create_time, update_time, version) VALUES "
                     "(?, ?, ?, ?, ?, 1)",
                     {uscc, DateParam(p.start_date()), p.remarks(), ts, ts})
            .status());
    return WritePartnershipLists(conn, uscc, p);
  }

  absl::StatusOr<std::optional<std::pair<v1::Partnership, int64_t>>>
  GetPartnership(db::Connection& conn, const std::string& uscc,
                 bool for_update) override {
    QPP_ASSIGN_OR_RETURN(
        auto list,
        QueryPartnerships(
            conn, absl::StrCat("p.uscc = ?", for_update ? " FOR UPDATE" : ""),
            {uscc}, 1));
    if (list.empty()) return std::nullopt;
    return std::move(list[0]);
  }

  absl::StatusOr<std::vector<v1::Partnership>> ListPartnerships(
      db::Connection& conn, const std::string& industry_code,
      const std::string& after, int limit) override {
    std::string where = "p.uscc > ?";
    std::vector<SqlParam> params = {after};
    if (!industry_code.empty()) {
      absl::StrAppend(&where,
                      " AND EXISTS (SELECT 1 FROM partnership_industries i "
                      "WHERE i.partner_uscc = p.uscc AND i.industry_code = ?)");
      params.push_back(industry_code);
    }
    QPP_ASSIGN_OR_RETURN(auto list,
                         QueryPartnerships(conn, where, params, limit));
    std::vector<v1::Partnership> out;
    for (auto& [p, version] : list) out.push_back(std::move(p));
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
                     {DateParam(p.start_date()), p.remarks(), DbTime(now), uscc,
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

  absl::StatusOr<v1::TargetCounts> CountTargets(db::Connection& conn, int year,
                                                absl::CivilDay as_of,
                                                int margin) override {
    v1::TargetCounts out;
    out.set_year(year);
    *out.mutable_as_of() = ToDate(as_of);
    out.set_improvement_margin_points(margin);
    const std::string day = DayString(as_of);
    const std::string year_start = DayString(absl::CivilDay(year, 1, 1));
    // Registered by the end of as_of in China time = before the next
    // midnight +08:00, expressed in UTC.
    const std::string end_utc =
        DbTime(absl::FromCivil(absl::CivilSecond(as_of + 1), ChinaTime()));
    QPP_ASSIGN_OR_RETURN(
        Rows statuses,
        conn.Query(
            "SELECT CASE WHEN benchmark_date <= ? THEN 4 "
            "WHEN adopted_date <= ? THEN 3 WHEN introducing_date <= ? THEN 2 "
            "ELSE 1 END AS s, COUNT(*) FROM organizations "
            "WHERE state = 1 AND create_time < ? GROUP BY s ORDER BY s",
            {day, day, day, end_utc}));
    std::map<int64_t, int64_t> by_status;
    for (const Row& r : statuses) by_status[r.Int(0)] = r.Int(1);
    int64_t total = 0;
    for (int s = v1::ADOPTION_STATUS_NOT_STARTED;
         s <= v1::ADOPTION_STATUS_BENCHMARK; ++s) {
      auto* c = out.add_adoption_counts();
      c->set_adoption_status(static_cast<v1::AdoptionStatus>(s));
      c->set_count(by_status[s]);
      total += by_status[s];
      if (s >= v1::ADOPTION_STATUS_INTRODUCING) {
        out.set_introduced_model(out.introduced_model() + by_status[s]);
      }
    }
    out.set_organizations(total);
    QPP_ASSIGN_OR_RETURN(Rows steps,
                         conn.Query("SELECT "
                                    "SUM(introducing_date BETWEEN ? AND ?), "
                                    "SUM(adopted_date BETWEEN ? AND ?) "
                                    "FROM organizations WHERE state = 1",
                                    {year_start, day, year_start, day}));
    out.set_started_introducing_in_year(steps[0].Int(0));
    out.set_adopted_in_year(steps[0].Int(1));
    QPP_ASSIGN_OR_RETURN(
        Rows bench,
        conn.Query("SELECT SUM(year = ?), COUNT(DISTINCT uscc) FROM "
                   "benchmark_designations WHERE year <= ?",
                   {int64_t{year}, int64_t{year}}));
    out.set_benchmarks_in_year(bench[0].Int(0));
    out.set_benchmarks_to_date(bench[0].Int(1));
    QPP_ASSIGN_OR_RETURN(
        Rows awards,
        conn.Query("SELECT COUNT(*) FROM award_records WHERE year = ?",
                   {int64_t{year}}));
    out.set_awards_in_year(awards[0].Int(0));
    // First and latest assessment totals per enterprise up to as_of.
    QPP_ASSIGN_OR_RETURN(
        Rows improved,
        conn.Query(
            "SELECT COUNT(*) FROM (SELECT a.uscc, "
            "CAST(SUBSTRING_INDEX(GROUP_CONCAT(a.total_centi ORDER BY "
            "a.assessment_date, a.id), ',', 1) AS SIGNED) AS first_total, "
            "CAST(SUBSTRING_INDEX(GROUP_CONCAT(a.total_centi ORDER BY "
            "a.assessment_date DESC, a.id DESC), ',', 1) AS SIGNED) AS "
            "last_total FROM self_assessments a JOIN organizations o ON "
            "o.uscc = a.uscc WHERE o.kind = ? AND o.state = 1 AND "
            "a.assessment_date <= ? GROUP BY a.uscc HAVING COUNT(*) >= 2) t "
            "WHERE last_total - first_total >= ?",
            {int64_t{v1::ORGANIZATION_KIND_ENTERPRISE}, day,
             int64_t{margin} * 100}));
    out.set_improved_enterprises(improved[0].Int(0));
    return out;
  }

 private:
  static void AppendYearUsccFilter(const std::string& uscc, int year,
                                   const std::optional<AwardKey>& after,
                                   std::string& sql, std::vector<SqlParam>& p) {
    if (!uscc.empty()) {
      absl::StrAppend(&sql, " AND uscc = ?");
      p.push_back(uscc);
    }
    if (year != 0) {
      absl::StrAppend(&sql, " AND year = ?");
      p.push_back(int64_t{year});
    }
    if (after.has_value()) {
      absl::StrAppend(&sql, " AND (year < ? OR (year = ? AND uscc > ?))");
      p.push_back(int64_t{after->year});
      p.push_back(int64_t{after->year});
      p.push_back(after->uscc);
    }
  }

  static absl::StatusOr<std::vector<v1::SelfAssessment>> QueryAssessments(
      db::Connection& conn, const std::string& where,
      std::vector<SqlParam> params, int limit) {
    params.push_back(int64_t{limit});
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(
            absl::StrCat("SELECT id, uscc, sheet_version, assessment_date, "
                         "assessor_certificate, create_time FROM "
                         "self_assessments WHERE ",
                         where,
                         " ORDER BY assessment_date DESC, id DESC LIMIT ?"),
            params));
    std::vector<v1::SelfAssessment> out;
    if (rows.empty()) return out;
    std::map<int64_t, size_t> index;
    std::vector<SqlParam> ids;
    for (const Row& r : rows) {
      v1::SelfAssessment a;
      a.set_name(absl::StrCat("organizations/", r.String(1), "/assessments/",
                              r.Int(0)));
      a.set_sheet_version(r.String(2));
      SetDate(r, 3, [&] { return a.mutable_assessment_date(); });
      a.set_assessor_certificate(r.String(4));
      *a.mutable_create_time() = ToTimestamp(r.String(5));
      index[r.Int(0)] = out.size();
      ids.push_back(r.Int(0));
      out.push_back(std::move(a));
    }
    QPP_ASSIGN_OR_RETURN(
        Rows items,
        conn.Query(absl::StrCat("SELECT assessment_id, item_code, percent FROM "
                                "self_assessment_items WHERE assessment_id IN ",
                                Placeholders(static_cast<int>(ids.size())),
                                " ORDER BY assessment_id, item_code"),
                   ids));
    for (const Row& r : items) {
      auto* item = out[index[r.Int(0)]].add_items();
      item->set_item_code(r.String(1));
      item->set_percent(static_cast<int32_t>(r.Int(2)));
    }
    return out;
  }

  static absl::Status WritePartnershipLists(db::Connection& conn,
                                            const std::string& uscc,
                                            const v1::Partnership& p) {
    if (!p.industry_codes().empty()) {
      std::string sql =
          "INSERT INTO partnership_industries (partner_uscc, industry_code) "
          "VALUES ";
      std::vector<SqlParam> params;
      for (int i = 0; i < p.industry_codes_size(); ++i) {
        absl::StrAppend(&sql, i ? ", " : "", "(?, ?)");
        params.push_back(uscc);
        params.push_back(p.industry_codes(i));
      }
      QPP_RETURN_IF_ERROR(conn.Execute(sql, params).status());
    }
    if (!p.members().empty()) {
      std::string sql =
          "INSERT INTO partnership_members (partner_uscc, member_uscc) VALUES ";
      std::vector<SqlParam> params;
      for (int i = 0; i < p.members_size(); ++i) {
        absl::StrAppend(&sql, i ? ", " : "", "(?, ?)");
        params.push_back(uscc);
        // Already validated as organizations/{uscc}.
        params.push_back(p.members(i).substr(sizeof("organizations/") - 1));
      }
      QPP_RETURN_IF_ERROR(conn.Execute(sql, params).status());
    }
    return absl::OkStatus();
  }

  static absl::StatusOr<std::vector<std::pair<v1::Partnership, int64_t>>>
  QueryPartnerships(db::Connection& conn, const std::string& where,
                    std::vector<SqlParam> params, int limit) {
    // FOR UPDATE, when present, must follow LIMIT.
    std::string clause = where;
    std::string lock;
    const size_t pos = clause.find(" FOR UPDATE");
    if (pos != std::string::npos) {
      lock = " FOR UPDATE";
      clause.erase(pos);
    }
    params.push_back(int64_t{limit});
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(absl::StrCat("SELECT p.uscc, p.start_date, p.remarks, "
                                "p.create_time, p.update_time, p.version FROM "
                                "partnerships p WHERE ",
                                clause, " ORDER BY p.uscc LIMIT ?", lock),
                   params));
    std::vector<std::pair<v1::Partnership, int64_t>> out;
    for (const Row& r : rows) {
      v1::Partnership p;
      const std::string uscc = r.String(0);
      p.set_name(absl::StrCat("partnerships/", uscc));
      p.set_partner(OrganizationName(uscc));
      SetDate(r, 1, [&] { return p.mutable_start_date(); });
      p.set_remarks(r.String(2));
      *p.mutable_create_time() = ToTimestamp(r.String(3));
      *p.mutable_update_time() = ToTimestamp(r.String(4));
      p.set_etag(absl::StrCat("\"", r.Int(5), "\""));
      QPP_ASSIGN_OR_RETURN(
          Rows inds,
          conn.Query("SELECT industry_code FROM partnership_industries WHERE "
                     "partner_uscc = ? ORDER BY industry_code",
                     {uscc}));
      for (const Row& i : inds) p.add_industry_codes(i.String(0));
      QPP_ASSIGN_OR_RETURN(
          Rows members,
          conn.Query("SELECT member_uscc FROM partnership_members WHERE "
                     "partner_uscc = ? ORDER BY member_uscc",
                     {uscc}));
      for (const Row& m : members) {
        p.add_members(OrganizationName(m.String(0)));
      }
      out.emplace_back(std::move(p), r.Int(5));
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<RegistryRepository> NewMysqlRegistryRepository() {
  return std::make_unique<MysqlRegistryRepository>();
}

}  // namespace qpp::registry
