#include "services/registry/src/award_rules.h"

#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "common/validation/text.h"

namespace qpp::registry {
namespace {

using status::FieldErrors;

constexpr int kMinAwardYear = 2000;

}  // namespace

absl::Status ValidateAwardRecord(const v1::AwardRecord& award,
                                 absl::CivilDay today) {
  FieldErrors errors;
  if (award.year() < kMinAwardYear || award.year() > today.year()) {
    errors.Add("award_record.year",
               absl::StrCat("must be ", kMinAwardYear, "..", today.year()));
  }
  if (award.level() == v1::AWARD_LEVEL_UNSPECIFIED ||
      !v1::AwardLevel_IsValid(award.level())) {
    errors.Add("award_record.level",
               "must be GRAND_AWARD, NOMINATION, ENCOURAGEMENT or "
               "SPECIAL_CONTRIBUTION");
  }
  validation::CheckText("award_record.category", award.category(), 1, 50,
                        errors);
  validation::CheckText("award_record.citation", award.citation(), 0, 500,
                        errors);
  return errors.ToStatus();
}

}  // namespace qpp::registry
