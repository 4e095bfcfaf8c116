#include "services/registry/src/year_key.h"

#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/status.h"

namespace qpp::registry {

absl::StatusOr<int> ParseYearId(absl::string_view id, absl::string_view field) {
  int year = 0;
  if (!absl::SimpleAtoi(id, &year) || year < 2000 || year > 2100) {
    return status::InvalidField(std::string(field),
                                "must end in a year 2000..2100");
  }
  return year;
}

std::string YearKeyOf(int year, absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  return absl::StrCat(year, ":", parts.size() > 1 ? parts[1] : "");
}

absl::StatusOr<std::optional<YearKey>> ParseYearKey(absl::string_view key) {
  if (key.empty()) return std::optional<YearKey>();
  std::pair<std::string, std::string> parts =
      absl::StrSplit(key, absl::MaxSplits(':', 1));
  YearKey out;
  if (!absl::SimpleAtoi(parts.first, &out.year)) {
    return status::InvalidField("page_token", "is malformed");
  }
  out.uscc = parts.second;
  return std::optional<YearKey>(out);
}

}  // namespace qpp::registry
