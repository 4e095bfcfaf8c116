// The validators and maskers of personal and registry data: no crash, no
// sanitizer finding, and their promises hold for any input.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/validation/contact.h"
#include "common/validation/resident_id.h"
#include "common/validation/text.h"
#include "common/validation/uscc.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view in(reinterpret_cast<const char*>(data), size);
  using namespace qpp::validation;

  // A valid code has no problem to report, and an invalid one names one.
  Require(IsValidUscc(in) == UsccProblem(in).empty());
  if (in.size() >= 17) (void)UsccCheckCharacter(in.substr(0, 17));
  const absl::CivilDay today(2026, 11, 29);
  Require(IsValidResidentId(in, today) == ResidentIdProblem(in, today).empty());
  if (in.size() >= 17) (void)ResidentIdCheckCharacter(in.substr(0, 17));
  (void)IsValidPhone(in);
  (void)IsValidEmail(in);

  const bool utf8 = IsValidUtf8(in);
  if (utf8) Require(Utf8Length(in) <= in.size());
  qpp::status::FieldErrors errors;
  (void)CheckText("field", in, 1, 50, errors);
  // Masking keeps valid text valid.
  for (const std::string& masked :
       {MaskName(in), MaskPhone(in), MaskEmail(in), MaskIdNumber(in)}) {
    if (utf8) Require(IsValidUtf8(masked));
  }
  return 0;
}
