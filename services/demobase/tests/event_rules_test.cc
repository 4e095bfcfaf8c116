// The rules of open events and registrations, in memory.

#include "services/demobase/src/event_rules.h"

#include "common/dates/dates.h"
#include "gtest/gtest.h"
#include "services/demobase/src/registration_rules.h"

namespace qpp::demobase {
namespace {

const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2026, 3, 2, 10, 0, 0),
                                        dates::ChinaTime());

v1::OpenEvent AnEvent() {
  v1::OpenEvent e;
  e.set_kind(v1::EVENT_KIND_OPEN_VISIT);
  e.set_topic("卓越绩效开放日");
  e.set_place("南山区");
  e.set_capacity(50);
  *e.mutable_start_time() = dates::ToTimestamp(kNow + absl::Hours(48));
  *e.mutable_end_time() = dates::ToTimestamp(kNow + absl::Hours(51));
  return e;
}

TEST(EventRulesTest, AValidEventPasses) {
  status::FieldErrors errors;
  ValidateEvent(AnEvent(), kNow, errors);
  EXPECT_TRUE(errors.empty());
}

TEST(EventRulesTest, PastStartEndBeforeStartAndNoSeatsAreRefused) {
  v1::OpenEvent e = AnEvent();
  *e.mutable_start_time() = dates::ToTimestamp(kNow - absl::Hours(1));
  e.set_capacity(0);
  status::FieldErrors errors;
  ValidateEvent(e, kNow, errors);
  EXPECT_EQ(errors.fields(), (std::vector<std::string>{"open_event.start_time",
                                                       "open_event.capacity"}));
  e = AnEvent();
  *e.mutable_end_time() = dates::ToTimestamp(kNow + absl::Hours(47));
  status::FieldErrors before;
  ValidateEvent(e, kNow, before);
  EXPECT_EQ(before.fields(), std::vector<std::string>{"open_event.end_time"});
  *e.mutable_end_time() = dates::ToTimestamp(kNow + absl::Hours(48 + 24 * 8));
  status::FieldErrors too_long;
  ValidateEvent(e, kNow, too_long);
  EXPECT_EQ(too_long.fields(), std::vector<std::string>{"open_event.end_time"});
}

TEST(EventRulesTest, SeatsAreCheckedAgainstCapacityAndWhatIsLeft) {
  EventRecord e;
  e.capacity = 30;
  e.confirmed_headcount = 25;
  EXPECT_TRUE(CheckSeats(e, 5).ok());
  EXPECT_EQ(status::ReasonOf(CheckSeats(e, 6)), "NOT_ENOUGH_SEATS");
  EXPECT_EQ(CheckSeats(e, 31).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status::ReasonOf(CheckCapacity(e, 24)), "CAPACITY_BELOW_CONFIRMED");
}

TEST(EventRulesTest, TheCalendarRangeCoversWholeShanghaiDays) {
  const auto range = CalendarRange(dates::ToDate(absl::CivilDay(2026, 3, 1)),
                                   dates::ToDate(absl::CivilDay(2026, 3, 31)));
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(*range->from,
            absl::FromCivil(absl::CivilSecond(2026, 2, 28, 16, 0, 0),
                            absl::UTCTimeZone()));
  EXPECT_EQ(*range->to,
            absl::FromCivil(absl::CivilSecond(2026, 3, 31, 16, 0, 0),
                            absl::UTCTimeZone()));
  EXPECT_FALSE(CalendarRange(dates::ToDate(absl::CivilDay(2026, 3, 2)),
                             dates::ToDate(absl::CivilDay(2026, 3, 1)))
                   .ok());
}

TEST(EventRulesTest, NamesRoundTrip) {
  const auto key = ParseEventName(EventName(3, 9), "name");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->base_id, 3);
  EXPECT_EQ(key->id, 9);
  const auto reg = ParseRegistrationName(RegistrationName(3, 9, 27), "name");
  ASSERT_TRUE(reg.ok());
  EXPECT_EQ(reg->event.id, 9);
  EXPECT_EQ(reg->id, 27);
  EXPECT_FALSE(
      ParseRegistrationName("demonstrationBases/3/events/9", "n").ok());
  EXPECT_EQ(*ParseEventsParent("demonstrationBases/-"), 0);
}

TEST(RegistrationRulesTest, GroupsNeedAnOrganisationAndPersonsComeAlone) {
  v1::Registration r;
  r.set_visitor_kind(v1::VISITOR_KIND_GROUP);
  r.set_headcount(0);
  r.set_contact_name("张三");
  r.set_contact_phone("13812345678");
  status::FieldErrors errors;
  ValidateNewRegistration(r, errors);
  EXPECT_EQ(errors.fields(),
            (std::vector<std::string>{"registration.organization",
                                      "registration.headcount"}));
  r.set_visitor_kind(v1::VISITOR_KIND_PERSON);
  r.set_headcount(2);
  r.set_contact_phone("x");
  status::FieldErrors person;
  ValidateNewRegistration(r, person);
  EXPECT_EQ(person.fields(),
            (std::vector<std::string>{"registration.headcount",
                                      "registration.contact_phone"}));
  for (const auto& v : person.violations()) {
    EXPECT_EQ(v.description.find("张三"), std::string::npos);
  }
}

TEST(RegistrationRulesTest, FeedbackIsOneToFiveAfterAttendance) {
  RegistrationRecord r;
  r.state = v1::REGISTRATION_STATE_CONFIRMED;
  EXPECT_TRUE(CheckAttendance(r, true, 5, "很有收获").ok());
  EXPECT_TRUE(CheckAttendance(r, false, 0, "").ok());
  EXPECT_EQ(CheckAttendance(r, true, 6, "").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckAttendance(r, false, 4, "").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckAttendance(r, true, 0, "没打分").code(),
            absl::StatusCode::kInvalidArgument);
  r.state = v1::REGISTRATION_STATE_CANCELLED;
  EXPECT_EQ(status::ReasonOf(CheckAttendance(r, true, 3, "")), "NOT_CONFIRMED");
}

TEST(RegistrationRulesTest, ContactsAreMasked) {
  RegistrationRecord r;
  r.id = 1;
  const v1::Registration out = ToRegistration(r, "张三丰", "13812345678");
  EXPECT_EQ(out.masked_contact_name(), "张**");
  EXPECT_EQ(out.masked_contact_phone(), "138****5678");
  EXPECT_TRUE(out.contact_name().empty());
  EXPECT_TRUE(out.contact_phone().empty());
}

}  // namespace
}  // namespace qpp::demobase
