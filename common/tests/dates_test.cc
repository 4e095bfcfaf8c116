#include "common/dates/dates.h"

#include "gtest/gtest.h"

namespace qpp::dates {
namespace {

qpp::type::v1::Date MakeDate(int y, int m, int d) {
  qpp::type::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

TEST(DatesTest, TodayIsTheDayInChina) {
  // 16:30 UTC is half past midnight of the next day in Shenzhen.
  const absl::Time t = absl::FromCivil(absl::CivilSecond(2026, 11, 23, 16, 30),
                                       absl::UTCTimeZone());
  EXPECT_EQ(Today(t), absl::CivilDay(2026, 11, 24));
  EXPECT_EQ(Today(t - absl::Hours(1)), absl::CivilDay(2026, 11, 23));
}

TEST(DatesTest, ChinaTimeMatchesAsiaShanghaiSince1991) {
  absl::TimeZone shanghai;
  if (!absl::LoadTimeZone("Asia/Shanghai", &shanghai)) {
    GTEST_SKIP() << "no tzdata on this machine";
  }
  for (int year : {1992, 2000, 2026, 2050}) {
    const absl::Time t =
        absl::FromCivil(absl::CivilSecond(year, 7, 1), absl::UTCTimeZone());
    EXPECT_EQ(absl::ToCivilSecond(t, ChinaTime()),
              absl::ToCivilSecond(t, shanghai));
  }
}

TEST(DatesTest, EndOfDayIsTheNextMidnightInChina) {
  EXPECT_EQ(EndOfDay(absl::CivilDay(2026, 12, 31)),
            absl::FromCivil(absl::CivilSecond(2026, 12, 31, 16, 0, 0),
                            absl::UTCTimeZone()));
}

TEST(DatesTest, DateRoundTripsAndRejectsImpossibleDays) {
  EXPECT_EQ(ToCivilDay(MakeDate(2024, 2, 29)), absl::CivilDay(2024, 2, 29));
  EXPECT_FALSE(ToCivilDay(MakeDate(2023, 2, 29)).has_value());
  EXPECT_FALSE(ToCivilDay(MakeDate(2026, 13, 1)).has_value());
  EXPECT_FALSE(ToCivilDay(MakeDate(1899, 12, 31)).has_value());
  EXPECT_FALSE(ToCivilDay(qpp::type::v1::Date()).has_value());
  const qpp::type::v1::Date d = ToDate(absl::CivilDay(2026, 11, 23));
  EXPECT_EQ(d.year(), 2026);
  EXPECT_EQ(d.month(), 11);
  EXPECT_EQ(d.day(), 23);
  EXPECT_TRUE(IsSet(d));
  EXPECT_FALSE(IsSet(qpp::type::v1::Date()));
}

TEST(DatesTest, TimestampsKeepMicroseconds) {
  const absl::Time t = absl::FromUnixMicros(1'700'000'000'123'456);
  const google::protobuf::Timestamp ts = ToTimestamp(t);
  EXPECT_EQ(ts.seconds(), 1'700'000'000);
  EXPECT_EQ(ts.nanos(), 123'456'000);
  EXPECT_EQ(FromTimestamp(ts), t);
}

}  // namespace
}  // namespace qpp::dates
