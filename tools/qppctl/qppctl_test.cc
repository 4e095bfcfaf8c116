#include <sstream>

#include "gtest/gtest.h"
#include "tools/qppctl/csv.h"
#include "tools/qppctl/import.h"
#include "tools/qppctl/survey_import.h"

namespace qpp::qppctl {
namespace {

TEST(CsvReaderTest, ReadsQuotedFieldsBomAndCrlf) {
  std::istringstream in(
      "\xEF\xBB\xBFuscc,display_name\r\n"
      "914403001922038216,\"深圳市\"\"某某\"\",有限公司\"\r\n"
      "91440300708461136T,\"跨\n两行\"\n");
  CsvReader reader(in);
  std::vector<std::string> f;
  int line = 0;
  ASSERT_TRUE(reader.Next(f, line));
  EXPECT_EQ(f, (std::vector<std::string>{"uscc", "display_name"}));
  ASSERT_TRUE(reader.Next(f, line));
  EXPECT_EQ(line, 2);
  EXPECT_EQ(f[1], "深圳市\"某某\",有限公司");
  ASSERT_TRUE(reader.Next(f, line));
  EXPECT_EQ(line, 3);
  EXPECT_EQ(f[1], "跨\n两行");
  EXPECT_FALSE(reader.Next(f, line));
  EXPECT_FALSE(reader.unterminated_quote());
}

TEST(CsvReaderTest, ReportsUnterminatedQuote) {
  std::istringstream in("a,\"open\n");
  CsvReader reader(in);
  std::vector<std::string> f;
  int line = 0;
  reader.Next(f, line);
  EXPECT_TRUE(reader.unterminated_quote());
}

TEST(ImportTest, HeaderNeedsRequiredAndKnownColumns) {
  EXPECT_TRUE(ParseHeader({"uscc", "name", "kind", "district_code",
                           "industry_code", "employees"})
                  .ok());
  EXPECT_FALSE(ParseHeader({"uscc", "name", "kind", "district_code"}).ok());
  EXPECT_FALSE(ParseHeader({"uscc", "name", "kind", "district_code",
                            "industry_code", "bogus"})
                   .ok());
}

TEST(ImportTest, ConvertsRowsAndRejectsUnsendableValues) {
  auto columns = *ParseHeader({"uscc", "display_name", "kind", "district_code",
                               "industry_code", "employees", "high_tech",
                               "contact_name", "contact_phone"});
  auto org = RowToOrganization(
      columns, {"914403001922038216", "深圳市测试有限公司", "enterprise",
                "440305", "39", "120", "是", "张三", "13812345678"});
  ASSERT_TRUE(org.ok()) << org.status();
  EXPECT_EQ(org->kind(), qpp::registry::v1::ORGANIZATION_KIND_ENTERPRISE);
  EXPECT_EQ(org->employees(), 120);
  EXPECT_TRUE(org->flags().high_tech());
  ASSERT_EQ(org->contacts_size(), 1);
  EXPECT_EQ(org->contacts(0).phone(), "13812345678");
  EXPECT_FALSE(RowToOrganization(columns, {"x", "n", "enterprise", "440305",
                                           "39", "many", "", "", ""})
                   .ok());
  EXPECT_FALSE(RowToOrganization(columns, {"x", "n", "company", "440305", "39",
                                           "1", "", "", ""})
                   .ok());
}

TEST(ImportTest, QuotesReportFields) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
}

}  // namespace
}  // namespace qpp::qppctl

namespace qpp::qppctl {
namespace {

TEST(SurveyImportTest, DimensionsAreTheOtherColumns) {
  auto columns = ParseScoreHeader({"uscc", "overall", "服务态度", "环境卫生"});
  ASSERT_TRUE(columns.ok());
  auto score =
      RowToSurveyScore(*columns, {"91440300000000001H", "86.5", "90", ""});
  ASSERT_TRUE(score.ok()) << score.status();
  EXPECT_EQ(score->organization(), "organizations/91440300000000001H");
  EXPECT_DOUBLE_EQ(score->overall(), 86.5);
  ASSERT_EQ(score->dimension_scores_size(), 1);
  EXPECT_EQ(score->dimension_scores(0).dimension(), "服务态度");
  EXPECT_FALSE(RowToSurveyScore(*columns, {"91440300000000001H", "高"}).ok());
  EXPECT_FALSE(ParseScoreHeader({"uscc", "服务态度"}).ok());
  EXPECT_FALSE(ParseScoreHeader({"uscc", "overall", "uscc"}).ok());
}

}  // namespace
}  // namespace qpp::qppctl
