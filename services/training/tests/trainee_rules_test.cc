// Rules of trainees, in memory: resident ID numbers real and corrupted,
// masking, and that no violation repeats the number.

#include "services/training/src/trainee_rules.h"

#include "common/validation/resident_id.h"
#include "gtest/gtest.h"

namespace qpp::training {
namespace {

const absl::CivilDay kToday(2026, 11, 23);

std::string ResidentId(absl::string_view first17) {
  return std::string(first17) + validation::ResidentIdCheckCharacter(first17);
}

v1::Trainee ValidTrainee() {
  v1::Trainee t;
  t.set_display_name("李小明");
  t.set_resident_id(ResidentId("44030419900101123"));
  t.set_phone("13812345678");
  t.set_employer("organizations/91440300000000001X");
  return t;
}

TEST(TraineeRulesTest, AcceptsARealNumber) {
  v1::Trainee t = ValidTrainee();
  // The employer's USCC must be valid too; check only the personal fields.
  status::FieldErrors errors;
  ValidateNewTrainee(t, kToday, errors);
  for (const auto& v : errors.violations()) {
    EXPECT_EQ(v.field, "trainee.employer");
  }
  // A well-known sample with an X check character.
  EXPECT_TRUE(validation::IsValidResidentId("11010519491231002X", kToday));
}

TEST(TraineeRulesTest, RejectsCorruptedNumbersWithoutRepeatingThem) {
  const std::string good = ResidentId("44030419900101123");
  std::vector<std::string> bad = {
      "",
      good.substr(0, 17),                                  // too short
      good.substr(0, 17) + (good[17] == '0' ? "1" : "0"),  // check char
      ResidentId("44030419901301123"),                     // month 13
      ResidentId("44030420300101123"),                     // born in the future
      "4403041990010112a4",                                // not digits
  };
  for (const std::string& id : bad) {
    v1::Trainee t = ValidTrainee();
    t.set_resident_id(id);
    status::FieldErrors errors;
    ValidateNewTrainee(t, kToday, errors);
    bool found = false;
    for (const auto& v : errors.violations()) {
      if (v.field == "trainee.resident_id") found = true;
      if (!id.empty()) {
        EXPECT_EQ(v.description.find(id), std::string::npos) << v.description;
      }
    }
    EXPECT_TRUE(found) << id;
  }
}

TEST(TraineeRulesTest, NamesEveryBadField) {
  v1::Trainee t;
  t.set_phone("12");
  t.set_employer("organizations/x");
  status::FieldErrors errors;
  ValidateNewTrainee(t, kToday, errors);
  EXPECT_EQ(errors.fields(), (std::vector<std::string>{
                                 "trainee.display_name", "trainee.resident_id",
                                 "trainee.phone", "trainee.employer"}));
}

TEST(TraineeRulesTest, MasksPersonalData) {
  EXPECT_EQ(MaskResidentId("440304199001011234"), "4403**********1234");
  EXPECT_EQ(MaskResidentId("abc"), "***");
  EXPECT_EQ(MaskTraineePhone("13812345678"), "138****5678");
  EXPECT_EQ(MaskTraineePhone(""), "");
}

TEST(TraineeRulesTest, TheIdNumberCannotBeUpdated) {
  google::protobuf::FieldMask mask;
  mask.add_paths("resident_id");
  EXPECT_EQ(TraineeUpdatePaths(mask).status().code(),
            absl::StatusCode::kInvalidArgument);
  mask.set_paths(0, "phone");
  EXPECT_TRUE(TraineeUpdatePaths(mask).ok());
  EXPECT_EQ(*ParseTraineeName("trainees/4", "name"), 4);
  EXPECT_FALSE(ParseTraineeName("trainees/", "name").ok());
}

}  // namespace
}  // namespace qpp::training
