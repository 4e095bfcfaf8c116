#include "common/db/sql_values.h"

#include "common/db/where_clause.h"
#include "gtest/gtest.h"

namespace qpp::db {
namespace {

TEST(SqlValuesTest, TimesAreUtcWithMicroseconds) {
  const absl::Time t = absl::FromCivil(absl::CivilSecond(2026, 11, 23, 2, 3, 4),
                                       absl::UTCTimeZone()) +
                       absl::Microseconds(56);
  EXPECT_EQ(SqlTime(t), "2026-11-23 02:03:04.000056");
  EXPECT_EQ(ParseSqlTime("2026-11-23 02:03:04.000056"), t);
  EXPECT_EQ(ParseSqlTime("2026-11-23 02:03:04"), t - absl::Microseconds(56));
  EXPECT_FALSE(ParseSqlTime("2026-11-23").has_value());
  EXPECT_FALSE(ParseSqlTime("yesterday at noon").has_value());
}

TEST(SqlValuesTest, DaysAndNull) {
  EXPECT_EQ(SqlDay(absl::CivilDay(2026, 1, 5)), "2026-01-05");
  EXPECT_EQ(ParseSqlDay("2026-01-05"), absl::CivilDay(2026, 1, 5));
  EXPECT_FALSE(ParseSqlDay("05/01/2026").has_value());
  EXPECT_EQ(SqlDayOrNull(std::nullopt), SqlParam(nullptr));
  EXPECT_EQ(SqlDayOrNull(absl::CivilDay(2026, 1, 5)),
            SqlParam(std::string("2026-01-05")));
}

TEST(SqlValuesTest, RowCellsReadAsTimesDaysAndOptionalInts) {
  const Row row({std::string("2026-11-23 02:03:04.5"), std::nullopt,
                 std::string("2026-02-01"), std::string("42")});
  EXPECT_EQ(TimeAt(row, 0),
            absl::FromCivil(absl::CivilSecond(2026, 11, 23, 2, 3, 4),
                            absl::UTCTimeZone()));
  EXPECT_EQ(TimeAt(row, 1), absl::UnixEpoch());
  EXPECT_FALSE(DayAt(row, 1).has_value());
  EXPECT_EQ(DayAt(row, 2), absl::CivilDay(2026, 2, 1));
  EXPECT_FALSE(OptionalIntAt(row, 1).has_value());
  EXPECT_EQ(OptionalIntAt(row, 3), 42);
}

TEST(SqlValuesTest, PlaceholderLists) {
  EXPECT_EQ(Placeholders(1), "(?)");
  EXPECT_EQ(Placeholders(3), "(?, ?, ?)");
  EXPECT_EQ(PlaceholderRows(2, 2), "(?, ?), (?, ?)");
  EXPECT_EQ(PlaceholderRows(0, 2), "");
}

TEST(WhereClauseTest, JoinsConditionsAndKeepsParametersInOrder) {
  EXPECT_EQ(WhereClause().Sql(), "");
  WhereClause where;
  where.And("uscc > ?", {std::string("A")})
      .And("state = 1")
      .And("(year < ? OR (year = ? AND uscc > ?))",
           {int64_t{2025}, int64_t{2025}, std::string("B")});
  EXPECT_EQ(where.Sql(),
            " WHERE uscc > ? AND state = 1 AND (year < ? OR (year = ? AND "
            "uscc > ?))");
  ASSERT_EQ(where.params().size(), 4u);
  EXPECT_EQ(where.params()[0], SqlParam(std::string("A")));
  EXPECT_EQ(where.params()[3], SqlParam(std::string("B")));
}

}  // namespace
}  // namespace qpp::db
