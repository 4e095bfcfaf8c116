// Rules of sessions, in memory.

#include "services/training/src/session_rules.h"

#include "absl/strings/str_format.h"
#include "common/dates/dates.h"
#include "common/validation/uscc.h"
#include "gtest/gtest.h"

namespace qpp::training {
namespace {

std::string Uscc(int n) {
  const std::string first17 = absl::StrFormat("9144030000000%04d", n);
  return first17 + *validation::UsccCheckCharacter(first17);
}

v1::Session ValidSession() {
  v1::Session s;
  *s.mutable_start_date() = dates::ToDate(absl::CivilDay(2026, 12, 1));
  *s.mutable_end_date() = dates::ToDate(absl::CivilDay(2026, 12, 3));
  s.set_place("深圳市质量强市促进会");
  s.set_provider("organizations/" + Uscc(1));
  s.set_capacity(30);
  return s;
}

TEST(SessionRulesTest, AcceptsAValidSession) {
  status::FieldErrors errors;
  ValidateSession(ValidSession(), errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(ProviderUscc(ValidSession()), Uscc(1));
}

TEST(SessionRulesTest, NamesEveryBadField) {
  v1::Session s = ValidSession();
  *s.mutable_end_date() = dates::ToDate(absl::CivilDay(2026, 11, 30));
  s.set_place("");
  s.set_provider("organizations/91440300000000000X");
  s.set_capacity(0);
  status::FieldErrors errors;
  ValidateSession(s, errors);
  EXPECT_EQ(errors.fields(),
            (std::vector<std::string>{"session.end_date", "session.place",
                                      "session.provider", "session.capacity"}));
  status::FieldErrors missing;
  ValidateSession(v1::Session(), missing);
  EXPECT_EQ(missing.fields()[0], "session.start_date");
  EXPECT_EQ(missing.fields()[1], "session.end_date");
}

TEST(SessionRulesTest, ParsesNamesAndParents) {
  auto key = ParseSessionName("courses/3/sessions/14", "name");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->course_id, 3);
  EXPECT_EQ(key->id, 14);
  EXPECT_EQ(SessionName(3, 14), "courses/3/sessions/14");
  EXPECT_FALSE(ParseSessionName("courses/3/sessions/x", "name").ok());
  EXPECT_FALSE(ParseSessionName("courses/-/sessions/1", "name").ok());
  EXPECT_EQ(*ParseSessionsParent("courses/-"), 0);
  EXPECT_EQ(*ParseSessionsParent("courses/5"), 5);
  EXPECT_FALSE(ParseSessionsParent("courses").ok());
}

TEST(SessionRulesTest, UpdateTakesOnlyTheMaskedFields) {
  google::protobuf::FieldMask mask;
  mask.add_paths("capacity");
  auto paths = SessionUpdatePaths(mask);
  ASSERT_TRUE(paths.ok());
  v1::Session patch;
  patch.set_capacity(60);
  patch.set_place("ignored");
  const v1::Session updated = ApplySessionUpdate(ValidSession(), patch, *paths);
  EXPECT_EQ(updated.capacity(), 60);
  EXPECT_EQ(updated.place(), ValidSession().place());
  google::protobuf::FieldMask bad;
  bad.add_paths("course");
  EXPECT_FALSE(SessionUpdatePaths(bad).ok());
}

}  // namespace
}  // namespace qpp::training
