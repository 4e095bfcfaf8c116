#include "services/registry/tests/test_reference.h"

namespace qpp::registry::test_data {

ReferenceData TestReference() {
  ReferenceData ref;
  ref.districts = {{"440305", "南山区"}, {"440303", "罗湖区"}};
  ref.sections = {{'C', "制造业", 13, 43},
                  {'F', "批发和零售业", 51, 52},
                  {'I', "信息传输、软件和信息技术服务业", 63, 65},
                  {'K', "房地产业", 70, 70},
                  {'Q', "卫生和社会工作", 84, 85}};
  const absl::CivilDay from(2011, 6, 18);
  ref.sme_rules = {
      {"2011-300",
       from,
       "39",
       "工业",
       {1000, 40000 * kWan, {}},
       {300, 2000 * kWan, {}},
       {20, 300 * kWan, {}}},
      {"2011-300",
       from,
       "52",
       "零售业",
       {300, 20000 * kWan, {}},
       {50, 500 * kWan, {}},
       {10, 100 * kWan, {}}},
      {"2011-300",
       from,
       "65",
       "软件和信息技术服务业",
       {300, 10000 * kWan, {}},
       {100, 1000 * kWan, {}},
       {10, 50 * kWan, {}}},
      {"2011-300",
       from,
       "701",
       "房地产开发经营",
       {{}, 200000 * kWan, 10000 * kWan},
       {{}, 1000 * kWan, 5000 * kWan},
       {{}, 100 * kWan, 2000 * kWan}},
      {"2011-300",
       from,
       "702",
       "物业管理",
       {1000, 5000 * kWan, {}},
       {300, 1000 * kWan, {}},
       {100, 500 * kWan, {}}},
      {"2011-300",
       from,
       "",
       "其他未列明行业",
       {300, {}, {}},
       {100, {}, {}},
       {10, {}, {}}},
      // A later rule set for industry only, to check effective dating.
      {"2030-new",
       absl::CivilDay(2030, 1, 1),
       "39",
       "工业",
       {2000, {}, {}},
       {500, {}, {}},
       {50, {}, {}}},
  };
  ScoreSheetDef sheet;
  sheet.version = "TEST-SHEET";
  sheet.effective_from = absl::CivilDay(2012, 8, 1);
  sheet.categories = {{"4.1", "领导", 110}, {"4.7", "结果", 400}};
  sheet.items = {{"4.1.1", "4.1", "高层领导的作用", 50},
                 {"4.1.2", "4.1", "组织治理", 30},
                 {"4.1.3", "4.1", "社会责任", 30},
                 {"4.7.1", "4.7", "产品和服务结果", 400}};
  ref.score_sheets = {sheet};
  return ref;
}

v1::Organization Enterprise(const std::string& industry, int64_t employees,
                            int64_t revenue, int64_t assets) {
  v1::Organization org;
  org.set_uscc("914403001922038216");
  org.set_display_name("深圳市测试有限公司");
  org.set_kind(v1::ORGANIZATION_KIND_ENTERPRISE);
  org.set_district_code("440305");
  org.set_industry_code(industry);
  org.set_employees(employees);
  org.set_annual_revenue_yuan(revenue);
  org.set_total_assets_yuan(assets);
  return org;
}

}  // namespace qpp::registry::test_data
