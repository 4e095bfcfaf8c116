#pragma once

// Conversions between the values services hold and what MariaDB reads and
// writes as text: DATETIME(6) in UTC, DATE, and placeholder lists for
// statements built at run time.

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/db/db.h"

namespace qpp::db {

// "YYYY-MM-DD HH:MM:SS.ffffff" of `t` in UTC (connections run with the UTC
// session time zone), for a DATETIME(6) parameter.
std::string SqlTime(absl::Time t);

// "YYYY-MM-DD", for a DATE parameter.
std::string SqlDay(absl::CivilDay day);

// A DATE parameter, NULL when `day` is empty.
SqlParam SqlDayOrNull(const std::optional<absl::CivilDay>& day);

// The instant of DATETIME text "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC, or
// nullopt if malformed. Fast: list reads call it for every row.
std::optional<absl::Time> ParseSqlTime(absl::string_view text);

// The day of DATE text "YYYY-MM-DD", or nullopt if malformed.
std::optional<absl::CivilDay> ParseSqlDay(absl::string_view text);

// Column `i` of `row` as an instant; the Unix epoch for NULL or malformed
// text.
absl::Time TimeAt(const Row& row, size_t i);

// Column `i` of `row` as a day; nullopt for NULL or malformed text.
std::optional<absl::CivilDay> DayAt(const Row& row, size_t i);

// Column `i` of `row` as an integer, nullopt for NULL.
std::optional<int64_t> OptionalIntAt(const Row& row, size_t i);

// "(?, ?, ?)" with `columns` placeholders: one row of VALUES or an IN list.
std::string Placeholders(int columns);

// `rows` rows of `columns` placeholders, "(?, ?), (?, ?)", for a
// multi-row INSERT; empty for no rows.
std::string PlaceholderRows(int rows, int columns);

}  // namespace qpp::db
