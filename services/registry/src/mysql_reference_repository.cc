#include "common/db/sql_values.h"
#include "services/registry/src/registry_repository.h"

namespace qpp::registry {
namespace {

using db::Row;
using db::Rows;

SmeThresholds Thresholds(const Row& r, size_t first) {
  return {db::OptionalIntAt(r, first), db::OptionalIntAt(r, first + 1),
          db::OptionalIntAt(r, first + 2)};
}

class MysqlReferenceRepository final : public ReferenceRepository {
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
      if (auto day = db::DayAt(r, 1)) rule.effective_from = *day;
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
      if (auto day = db::DayAt(r, 1)) sheet.effective_from = *day;
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
};

}  // namespace

std::unique_ptr<ReferenceRepository> NewMysqlReferenceRepository() {
  return std::make_unique<MysqlReferenceRepository>();
}

}  // namespace qpp::registry
