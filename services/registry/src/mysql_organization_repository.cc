#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/db/sql_values.h"
#include "common/db/where_clause.h"
#include "common/resource/names.h"
#include "services/registry/src/registry_repository.h"

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
    "state, create_time, update_time, delete_time, version, "
    "flag_key_enterprise, introducing_evidence, adopted_evidence";
constexpr int kOrgColumnCount = 31;

// A DATE parameter of a qpp.type.v1.Date, NULL when unset.
SqlParam DayParam(const qpp::type::v1::Date& date) {
  return db::SqlDayOrNull(dates::ToCivilDay(date));
}

StoredOrganization OrgFromRow(const Row& r) {
  StoredOrganization s;
  v1::Organization& o = s.org;
  o.set_uscc(r.String(0));
  o.set_name(resource::OrganizationName(o.uscc()));
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
  if (auto day = db::DayAt(r, 16))
    *o.mutable_credit()->mutable_since() = dates::ToDate(*day);
  o.mutable_credit()->set_reason(r.String(17));
  o.set_adoption_status(static_cast<v1::AdoptionStatus>(r.Int(18)));
  if (auto day = db::DayAt(r, 19)) {
    *o.mutable_adoption_history()->mutable_introducing_date() =
        dates::ToDate(*day);
  }
  if (auto day = db::DayAt(r, 20)) {
    *o.mutable_adoption_history()->mutable_adopted_date() = dates::ToDate(*day);
  }
  if (auto day = db::DayAt(r, 21)) {
    *o.mutable_adoption_history()->mutable_benchmark_date() =
        dates::ToDate(*day);
  }
  s.contacts_blob = r.String(22);
  o.set_state(static_cast<v1::OrganizationState>(r.Int(23)));
  *o.mutable_create_time() = dates::ToTimestamp(db::TimeAt(r, 24));
  *o.mutable_update_time() = dates::ToTimestamp(db::TimeAt(r, 25));
  if (!r.IsNull(26))
    *o.mutable_delete_time() = dates::ToTimestamp(db::TimeAt(r, 26));
  s.version = r.Int(27);
  o.mutable_flags()->set_key_enterprise(r.Bool(28));
  if (!r.String(29).empty()) {
    o.mutable_adoption_history()->set_introducing_evidence(r.String(29));
  }
  if (!r.String(30).empty()) {
    o.mutable_adoption_history()->set_adopted_evidence(r.String(30));
  }
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
  p.push_back(DayParam(o.credit().since()));
  p.push_back(o.credit().reason());
  p.push_back(int64_t{o.adoption_status()});
  p.push_back(DayParam(o.adoption_history().introducing_date()));
  p.push_back(DayParam(o.adoption_history().adopted_date()));
  p.push_back(DayParam(o.adoption_history().benchmark_date()));
  if (blob.empty()) {
    p.push_back(nullptr);
  } else {
    p.push_back(blob);
  }
  p.push_back(int64_t{o.state()});
}

class MysqlOrganizationRepository final : public OrganizationRepository {
 public:
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
    const std::string ts = db::SqlTime(now);
    std::vector<SqlParam> params;
    params.reserve(orgs.size() * kOrgColumnCount);
    std::string sql =
        absl::StrCat("INSERT INTO organizations (", kOrgColumns, ") VALUES ");
    absl::StrAppend(&sql, db::PlaceholderRows(static_cast<int>(orgs.size()),
                                              kOrgColumnCount));
    for (size_t i = 0; i < orgs.size(); ++i) {
      params.push_back(orgs[i]->uscc());
      AppendOrgValues(*orgs[i], blobs[i], params);
      params.push_back(ts);
      params.push_back(ts);
      params.push_back(nullptr);
      params.push_back(int64_t{1});
      params.push_back(int64_t{orgs[i]->flags().key_enterprise()});
      params.push_back(orgs[i]->adoption_history().introducing_evidence());
      params.push_back(orgs[i]->adoption_history().adopted_evidence());
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
            ? SqlParam(db::SqlTime(dates::FromTimestamp(org.delete_time())))
            : SqlParam(nullptr));
    p.push_back(db::SqlTime(now));
    p.push_back(int64_t{org.flags().key_enterprise()});
    p.push_back(org.adoption_history().introducing_evidence());
    p.push_back(org.adoption_history().adopted_evidence());
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
            "delete_time = ?, update_time = ?, flag_key_enterprise = ?, "
            "introducing_evidence = ?, adopted_evidence = ?, "
            "version = version + 1 "
            "WHERE uscc = ? AND version = ?",
            p));
    return n == 1;
  }

  absl::StatusOr<std::vector<StoredOrganization>> GetOrganizations(
      db::Connection& conn, const std::vector<std::string>& usccs) override {
    std::vector<StoredOrganization> out;
    if (usccs.empty()) return out;
    std::vector<SqlParam> p(usccs.begin(), usccs.end());
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(
            absl::StrCat("SELECT ", kOrgColumns,
                         " FROM organizations WHERE uscc IN ",
                         db::Placeholders(static_cast<int>(usccs.size()))),
            p));
    out.reserve(rows.size());
    for (const Row& r : rows) out.push_back(OrgFromRow(r));
    return out;
  }

  absl::StatusOr<std::set<std::string>> ExistingUsccs(
      db::Connection& conn, const std::vector<std::string>& usccs) override {
    std::set<std::string> out;
    if (usccs.empty()) return out;
    std::vector<SqlParam> p(usccs.begin(), usccs.end());
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(
            absl::StrCat("SELECT uscc FROM organizations WHERE uscc IN ",
                         db::Placeholders(static_cast<int>(usccs.size()))),
            p));
    for (const Row& r : rows) out.insert(r.String(0));
    return out;
  }

  absl::StatusOr<std::vector<StoredOrganization>> ListOrganizations(
      db::Connection& conn, const OrganizationFilter& f,
      const std::string& after, int limit) override {
    db::WhereClause where;
    where.And("uscc > ?", {after});
    if (!f.show_deleted) {
      where.And("state = ?", {int64_t{v1::ORGANIZATION_STATE_ACTIVE}});
    }
    if (!f.district_code.empty()) {
      where.And("district_code = ?", {f.district_code});
    }
    if (!f.industry_section.empty()) {
      where.And("industry_section = ?", {f.industry_section});
    }
    if (!f.industry_code_prefix.empty()) {
      where.And("industry_code LIKE ?",
                {absl::StrCat(db::EscapeLike(f.industry_code_prefix), "%")});
    }
    if (f.size_class != v1::SIZE_CLASS_UNSPECIFIED) {
      where.And("size_class = ?", {int64_t{f.size_class}});
    }
    if (f.kind != v1::ORGANIZATION_KIND_UNSPECIFIED) {
      where.And("kind = ?", {int64_t{f.kind}});
    }
    if (f.adoption_status != v1::ADOPTION_STATUS_UNSPECIFIED) {
      where.And("adoption_status = ?", {int64_t{f.adoption_status}});
    }
    if (f.credit_standing != v1::CREDIT_STANDING_UNSPECIFIED) {
      where.And("credit_standing = ?", {int64_t{f.credit_standing}});
    }
    if (f.award_level != v1::AWARD_LEVEL_UNSPECIFIED) {
      where.And(
          "EXISTS (SELECT 1 FROM award_records a WHERE a.uscc = o.uscc AND "
          "a.level = ?)",
          {int64_t{f.award_level}});
    }
    if (!f.name_query.empty()) {
      where.And("display_name LIKE ?",
                {absl::StrCat("%", db::EscapeLike(f.name_query), "%")});
    }
    std::vector<SqlParam> p = where.params();
    p.push_back(int64_t{limit});
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(absl::StrCat("SELECT ", kOrgColumns, " FROM organizations o",
                                where.Sql(), " ORDER BY uscc LIMIT ?"),
                   p));
    std::vector<StoredOrganization> out;
    out.reserve(rows.size());
    for (const Row& r : rows) out.push_back(OrgFromRow(r));
    return out;
  }
};

}  // namespace

std::unique_ptr<OrganizationRepository> NewMysqlOrganizationRepository() {
  return std::make_unique<MysqlOrganizationRepository>();
}

}  // namespace qpp::registry
