#include "common/validation/uscc.h"

#include <array>

#include "absl/strings/str_cat.h"

namespace qpp::validation {
namespace {

constexpr absl::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::array<int, 17> kUsccWeights = {
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

int ValueOf(char c) {
  const size_t pos = kAlphabet.find(c);
  return pos == absl::string_view::npos ? -1 : static_cast<int>(pos);
}

}  // namespace

std::optional<char> UsccCheckCharacter(absl::string_view first17) {
  if (first17.size() != 17) return std::nullopt;
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    const int v = ValueOf(first17[i]);
    if (v < 0) return std::nullopt;
    sum += v * kUsccWeights[i];
  }
  return kAlphabet[(31 - sum % 31) % 31];
}

std::string UsccProblem(absl::string_view code) {
  if (code.size() != 18) {
    return absl::StrCat("must be 18 characters, got ", code.size());
  }
  for (size_t i = 0; i < code.size(); ++i) {
    if (ValueOf(code[i]) < 0) {
      return absl::StrCat("character ", i + 1,
                          " is not one of 0-9 and A-Y without I, O, S, V, Z "
                          "(upper case)");
    }
  }
  const std::optional<char> check = UsccCheckCharacter(code.substr(0, 17));
  if (!check.has_value() || *check != code[17]) {
    return "check character (18th) does not match the first 17 characters; "
           "the code is mistyped";
  }
  return {};
}

}  // namespace qpp::validation
