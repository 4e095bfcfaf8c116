#include <string>

#include "common/validation/contact.h"
#include "common/validation/date.h"
#include "common/validation/resident_id.h"
#include "common/validation/text.h"
#include "common/validation/uscc.h"
#include "gtest/gtest.h"

namespace qpp::validation {
namespace {

constexpr absl::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const absl::CivilDay kToday(2026, 11, 23);

TEST(UsccTest, AcceptsKnownGoodCodes) {
  EXPECT_EQ(UsccProblem("914403001922038216"), "");
  EXPECT_EQ(UsccProblem("91440300708461136T"), "");
}

TEST(UsccTest, RejectsEverySingleCharacterChange) {
  for (std::string good : {"914403001922038216", "91440300708461136T"}) {
    for (size_t pos = 0; pos < good.size(); ++pos) {
      for (char c : kAlphabet) {
        if (c == good[pos]) continue;
        std::string bad = good;
        bad[pos] = c;
        EXPECT_FALSE(IsValidUscc(bad)) << bad;
      }
    }
  }
}

TEST(UsccTest, RejectsWrongLengthAndForbiddenLetters) {
  EXPECT_NE(UsccProblem("91440300192203821"), "");
  EXPECT_NE(UsccProblem("9144030019220382160"), "");
  EXPECT_NE(UsccProblem(""), "");
  // I, O, S, V, Z and lower case are outside the alphabet.
  for (char c : std::string("IOSVZa")) {
    std::string bad = "914403001922038216";
    bad[5] = c;
    EXPECT_NE(UsccProblem(bad).find("character 6"), std::string::npos) << c;
  }
}

TEST(UsccTest, CheckCharacterMatchesTheStandardWeights) {
  EXPECT_EQ(UsccCheckCharacter("91440300192203821"), '6');
  EXPECT_EQ(UsccCheckCharacter("91440300708461136"), 'T');
  EXPECT_EQ(UsccCheckCharacter("9144030070846113"), std::nullopt);
}

TEST(ResidentIdTest, AcceptsPublishedExamples) {
  EXPECT_EQ(ResidentIdProblem("11010519491231002X", kToday), "");
  // A widely published example; its 1880 birth date is outside the range
  // accepted for living people, but its check character is right.
  EXPECT_EQ(ResidentIdCheckCharacter("44052418800101001"), '4');
  EXPECT_NE(ResidentIdProblem("440524188001010014", kToday), "");
}

TEST(ResidentIdTest, RejectsCorruptedNumbers) {
  const std::string good = "11010519491231002X";
  for (size_t pos = 0; pos < 17; ++pos) {
    std::string bad = good;
    bad[pos] = bad[pos] == '9' ? '0' : static_cast<char>(bad[pos] + 1);
    EXPECT_FALSE(IsValidResidentId(bad, kToday)) << bad;
  }
  EXPECT_FALSE(IsValidResidentId("11010519491231002x", kToday));
  EXPECT_FALSE(IsValidResidentId("110105194912310021", kToday));
  EXPECT_FALSE(IsValidResidentId("11010519491231002", kToday));
}

TEST(ResidentIdTest, RejectsImpossibleOrFutureBirthDates) {
  // 1949-02-30 does not exist; the check character is made to match.
  std::string feb30 = "11010519490230002";
  feb30 += ResidentIdCheckCharacter(feb30);
  EXPECT_NE(ResidentIdProblem(feb30, kToday).find("date of birth"),
            std::string::npos);
  std::string future = "11010520300101002";
  future += ResidentIdCheckCharacter(future);
  EXPECT_NE(ResidentIdProblem(future, kToday).find("future"),
            std::string::npos);
}

TEST(TextTest, ValidatesUtf8) {
  EXPECT_TRUE(IsValidUtf8("深圳市南山区"));
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_FALSE(IsValidUtf8("\xff\xfe"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(IsValidUtf8("\xe6\xb7"));      // truncated
  EXPECT_EQ(Utf8Length("深圳abc"), 5u);
}

TEST(TextTest, CheckTextCountsCharactersNotBytes) {
  status::FieldErrors errors;
  EXPECT_TRUE(CheckText("name", "深圳市某某科技有限公司", 1, 11, errors));
  EXPECT_FALSE(CheckText("name", "深圳市某某科技有限公司", 1, 10, errors));
  EXPECT_FALSE(CheckText("name", "", 1, 10, errors));
  EXPECT_FALSE(CheckText("name", "tab\there", 1, 10, errors));
  EXPECT_EQ(errors.violations().size(), 3u);
}

TEST(MaskTest, MasksPersonalData) {
  EXPECT_EQ(MaskPhone("13812345678"), "138****5678");
  EXPECT_EQ(MaskName("张三丰"), "张**");
  EXPECT_EQ(MaskEmail("zhang@example.cn"), "z***@example.cn");
  EXPECT_EQ(MaskIdNumber("11010519491231002X"), "110***********002X");
}

TEST(MaskTest, MaskingNeverBreaksUtf8) {
  // Found by the validators' fuzz target: byte-wise masking cut a
  // two-byte character in half.
  EXPECT_EQ(MaskPhone("\xd0\x90p"), "**");
  EXPECT_EQ(MaskPhone("电话13812345678"), "电话1******5678");
  EXPECT_EQ(MaskIdNumber("身份证号码440305199001011234"),
            "身份证****************1234");
  EXPECT_TRUE(IsValidUtf8(MaskIdNumber("АБВГДЕЖЗИЙ")));
  EXPECT_EQ(MaskPhone("\xff\xfe"
                      "1234"),
            "******");
}

TEST(ContactTest, AcceptsMobilesAndLandlines) {
  for (const char* good :
       {"13812345678", "19912345678", "0755-88888888", "88888888"}) {
    EXPECT_TRUE(IsValidPhone(good)) << good;
  }
  const std::string too_long(21, '1');
  for (const char* bad : {"12812345678x", "-0755888888", "123456",
                          "0755 8888 8888", "12-34-56-", too_long.c_str()}) {
    EXPECT_FALSE(IsValidPhone(bad)) << bad;
  }
}

TEST(ContactTest, AcceptsPlausibleEmails) {
  for (const char* good : {"wang@example.cn", "a.b+c@mail.example.com.cn"}) {
    EXPECT_TRUE(IsValidEmail(good)) << good;
  }
  const std::string too_long = std::string(96, 'a') + "@b.cn";
  for (const char* bad :
       {"@example.cn", "wang", "wang@example", "wang@.cn", "wang@example.",
        "wang@a@b.cn", "wang li@example.cn", too_long.c_str()}) {
    EXPECT_FALSE(IsValidEmail(bad)) << bad;
  }
}

TEST(DateTest, PastDatesMustBeRealAndNotInTheFuture) {
  qpp::type::v1::Date date;
  status::FieldErrors errors;
  CheckPastDate("start_date", date, kToday, /*required=*/false, errors);
  EXPECT_TRUE(errors.empty());
  CheckPastDate("start_date", date, kToday, /*required=*/true, errors);
  date.set_year(2026);
  date.set_month(2);
  date.set_day(30);
  CheckPastDate("start_date", date, kToday, false, errors);
  date.set_month(11);
  date.set_day(24);
  CheckPastDate("start_date", date, kToday, false, errors);
  date.set_day(23);
  CheckPastDate("start_date", date, kToday, false, errors);
  ASSERT_EQ(errors.violations().size(), 3u);
  EXPECT_EQ(errors.violations()[0].description, "is required");
  EXPECT_EQ(errors.violations()[1].description, "is not a real date");
  EXPECT_EQ(errors.violations()[2].description, "must not be in the future");
}

}  // namespace
}  // namespace qpp::validation
