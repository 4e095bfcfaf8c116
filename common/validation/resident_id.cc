#include "common/validation/resident_id.h"

#include <array>

namespace qpp::validation {
namespace {
constexpr std::array<int, 17> kIdWeights = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                            3, 7, 9,  10, 5, 8, 4, 2};
constexpr absl::string_view kCheck = "10X98765432";

int Digits(absl::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}
}  // namespace

char ResidentIdCheckCharacter(absl::string_view first17) {
  if (first17.size() != 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    if (first17[i] < '0' || first17[i] > '9') return '\0';
    sum += (first17[i] - '0') * kIdWeights[i];
  }
  return kCheck[sum % 11];
}

std::string ResidentIdProblem(absl::string_view id, absl::CivilDay today) {
  if (id.size() != 18) return "must be 18 characters";
  const char check = ResidentIdCheckCharacter(id.substr(0, 17));
  if (check == '\0') return "first 17 characters must be digits";
  const int year = Digits(id.substr(6, 4));
  const int month = Digits(id.substr(10, 2));
  const int day = Digits(id.substr(12, 2));
  const absl::CivilDay birth(year, month, day);
  // CivilDay normalises out-of-range fields, so a real date round-trips.
  if (year < 1900 || birth.year() != year || birth.month() != month ||
      birth.day() != day) {
    return "characters 7-14 are not a real date of birth";
  }
  if (birth > today) return "date of birth is in the future";
  if (id[17] != check) {
    return "check character (18th) does not match; the number is mistyped";
  }
  return {};
}

}  // namespace qpp::validation
