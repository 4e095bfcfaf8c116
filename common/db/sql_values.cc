#include "common/db/sql_values.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace qpp::db {
namespace {

// Reads `n` decimal digits at `pos` into *out; false if any is not a digit.
bool Digits(absl::string_view text, size_t pos, size_t n, int* out) {
  if (pos + n > text.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    v = v * 10 + (text[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::string SqlTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S", t, absl::UTCTimeZone());
}

std::string SqlDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

SqlParam SqlDayOrNull(const std::optional<absl::CivilDay>& day) {
  if (!day.has_value()) return nullptr;
  return SqlDay(*day);
}

std::optional<absl::Time> ParseSqlTime(absl::string_view text) {
  int y, mo, d, h, mi, s, micros = 0;
  if (!Digits(text, 0, 4, &y) || !Digits(text, 5, 2, &mo) ||
      !Digits(text, 8, 2, &d) || !Digits(text, 11, 2, &h) ||
      !Digits(text, 14, 2, &mi) || !Digits(text, 17, 2, &s)) {
    return std::nullopt;
  }
  if (text.size() >= 26 && text[19] == '.') Digits(text, 20, 6, &micros);
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::UTCTimeZone()) +
         absl::Microseconds(micros);
}

std::optional<absl::CivilDay> ParseSqlDay(absl::string_view text) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) return std::nullopt;
  return day;
}

absl::Time TimeAt(const Row& row, size_t i) {
  if (row.IsNull(i)) return absl::UnixEpoch();
  return ParseSqlTime(row.String(i)).value_or(absl::UnixEpoch());
}

std::optional<absl::CivilDay> DayAt(const Row& row, size_t i) {
  if (row.IsNull(i)) return std::nullopt;
  return ParseSqlDay(row.String(i));
}

std::optional<int64_t> OptionalIntAt(const Row& row, size_t i) {
  if (row.IsNull(i)) return std::nullopt;
  return row.Int(i);
}

std::string Placeholders(int columns) {
  std::string out = "(";
  for (int i = 0; i < columns; ++i) absl::StrAppend(&out, i ? ", ?" : "?");
  return out + ")";
}

std::string PlaceholderRows(int rows, int columns) {
  const std::string row = Placeholders(columns);
  std::string out;
  out.reserve(rows * (row.size() + 2));
  for (int i = 0; i < rows; ++i) absl::StrAppend(&out, i ? ", " : "", row);
  return out;
}

}  // namespace qpp::db
