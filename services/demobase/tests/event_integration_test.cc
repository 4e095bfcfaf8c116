// Open events and registrations on a real MariaDB: capacity under 100
// concurrent group registrations, cancellation freeing seats, the event's
// steps, the calendar across bases, sealed contacts, and nothing written on
// bad input.

#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "services/demobase/tests/integration_fixture.h"

namespace qpp::demobase {
namespace {

TEST_F(DemoBaseIntegrationTest,
       CapacityHoldsUnder100ConcurrentGroupRegistrations) {
  constexpr int kCapacity = 200;
  constexpr int kCallers = 100;
  const v1::OpenEvent event = CreateEvent(CreateBase(1), 10, kCapacity);
  std::mt19937 random(20260302);
  std::vector<v1::CreateRegistrationRequest> requests;
  for (int i = 0; i < kCallers; ++i) {
    requests.push_back(GroupRequest(event, 1 + random() % 10));
    requests.back().set_request_id(absl::StrCat("group-", i));
  }
  std::vector<v1::Registration> answers(kCallers);
  std::vector<absl::Status> statuses(kCallers);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kCallers; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      statuses[i] = demobase_->registrations().CreateRegistration(requests[i],
                                                                  &answers[i]);
    });
  }
  go = true;
  for (auto& t : threads) t.join();

  int64_t confirmed = 0, accepted = 0;
  for (int i = 0; i < kCallers; ++i) {
    if (statuses[i].ok()) {
      ++accepted;
      confirmed += answers[i].headcount();
      EXPECT_EQ(answers[i].headcount(), requests[i].registration().headcount());
      EXPECT_EQ(answers[i].state(), v1::REGISTRATION_STATE_CONFIRMED);
    } else {
      EXPECT_EQ(status::ReasonOf(statuses[i]), "NOT_ENOUGH_SEATS")
          << statuses[i];
    }
  }
  EXPECT_LE(confirmed, kCapacity);
  EXPECT_GT(confirmed, kCapacity - 10);  // refused only when nearly full
  // Nothing lost or doubled: the rows, their sum and the event's count agree.
  auto rows = db_->Query(
      "SELECT COUNT(*), SUM(headcount) FROM registrations WHERE state = 1");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), accepted);
  EXPECT_EQ((*rows)[0].Int(1), confirmed);
  v1::GetOpenEventRequest get;
  get.set_name(event.name());
  v1::OpenEvent stored;
  ASSERT_TRUE(demobase_->events().GetOpenEvent(get, &stored).ok());
  EXPECT_EQ(stored.confirmed_headcount(), confirmed);

  // Retried request ids are answered once, with the first answer.
  for (int i = 0; i < kCallers; ++i) {
    if (!statuses[i].ok()) continue;
    v1::Registration again;
    ASSERT_TRUE(demobase_->registrations()
                    .CreateRegistration(requests[i], &again)
                    .ok());
    EXPECT_EQ(again.name(), answers[i].name());
  }
  EXPECT_EQ(Count("registrations"), accepted);

  // A cancellation frees its seats at once.
  int first = 0;
  while (!statuses[first].ok()) ++first;
  v1::CancelRegistrationRequest cancel;
  cancel.set_name(answers[first].name());
  v1::Registration cancelled;
  ASSERT_TRUE(
      demobase_->registrations().CancelRegistration(cancel, &cancelled).ok());
  EXPECT_EQ(cancelled.state(), v1::REGISTRATION_STATE_CANCELLED);
  EXPECT_EQ(status::ReasonOf(demobase_->registrations().CancelRegistration(
                cancel, &cancelled)),
            "ALREADY_CANCELLED");
  const int32_t free_seats =
      kCapacity - static_cast<int32_t>(confirmed) + answers[first].headcount();
  v1::Registration fits;
  ASSERT_TRUE(demobase_->registrations()
                  .CreateRegistration(GroupRequest(event, free_seats), &fits)
                  .ok());
  ASSERT_TRUE(demobase_->events().GetOpenEvent(get, &stored).ok());
  EXPECT_EQ(stored.confirmed_headcount(), kCapacity);
}

TEST_F(DemoBaseIntegrationTest, BadInputsAreClearErrorsAndWriteNothing) {
  const v1::DemonstrationBase base = CreateBase(1);
  const auto create = [&](v1::OpenEvent event, const std::string& parent) {
    v1::CreateOpenEventRequest req;
    req.set_parent(parent);
    *req.mutable_open_event() = std::move(event);
    v1::OpenEvent out;
    return demobase_->events().CreateOpenEvent(req, &out);
  };
  v1::OpenEvent past = AnEvent(-1, 30);
  absl::Status s = create(past, base.name());
  ASSERT_EQ(status::FieldViolationsOf(s).size(), 1u) << s;
  EXPECT_EQ(status::FieldViolationsOf(s)[0].field, "open_event.start_time");
  v1::OpenEvent backwards = AnEvent(5, 30);
  *backwards.mutable_end_time() = dates::ToTimestamp(
      dates::FromTimestamp(backwards.start_time()) - absl::Hours(1));
  s = create(backwards, base.name());
  ASSERT_EQ(status::FieldViolationsOf(s).size(), 1u) << s;
  EXPECT_EQ(status::FieldViolationsOf(s)[0].field, "open_event.end_time");
  s = create(AnEvent(5, 0), base.name());
  ASSERT_EQ(status::FieldViolationsOf(s).size(), 1u) << s;
  EXPECT_EQ(status::FieldViolationsOf(s)[0].field, "open_event.capacity");
  s = create(AnEvent(5, 30), "demonstrationBases/999999");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound) << s;
  EXPECT_EQ(Count("open_events"), 0);

  const v1::OpenEvent event = CreateEvent(base, 5, 30);
  v1::Registration out;
  s = demobase_->registrations().CreateRegistration(GroupRequest(event, 31),
                                                    &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_NE(s.message().find("capacity of 30"), std::string::npos);
  v1::CreateRegistrationRequest unknown = GroupRequest(event, 3);
  unknown.set_parent(absl::StrCat(base.name(), "/events/999999"));
  EXPECT_EQ(demobase_->registrations().CreateRegistration(unknown, &out).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Count("registrations"), 0);
  EXPECT_EQ(Count("idempotency_keys"), 0);
}

TEST_F(DemoBaseIntegrationTest, AnEventIsHeldWithAttendanceAndFeedback) {
  const v1::OpenEvent event = CreateEvent(CreateBase(1), 3, 40);
  v1::Registration group, person;
  ASSERT_TRUE(demobase_->registrations()
                  .CreateRegistration(GroupRequest(event, 12), &group)
                  .ok());
  v1::CreateRegistrationRequest one = GroupRequest(event, 1);
  one.mutable_registration()->set_visitor_kind(v1::VISITOR_KIND_PERSON);
  one.mutable_registration()->clear_organization();
  ASSERT_TRUE(demobase_->registrations().CreateRegistration(one, &person).ok());
  EXPECT_EQ(group.masked_contact_name(), "李**");
  EXPECT_EQ(group.masked_contact_phone(), "139****5678");
  // Sealed at rest: the contact's name and phone are nowhere in clear.
  auto sealed = db_->Query(
      "SELECT COUNT(*) FROM registrations WHERE contact_name_sealed LIKE "
      "'%李建国%' OR contact_phone_sealed LIKE '%13912345678%'");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ((*sealed)[0].Int(0), 0);

  v1::MarkOpenEventHeldRequest held;
  held.set_name(event.name());
  held.set_attendance(13);
  v1::OpenEvent out;
  EXPECT_EQ(status::ReasonOf(demobase_->events().MarkOpenEventHeld(held, &out)),
            "EVENT_NOT_STARTED");
  v1::RecordAttendanceRequest attend;
  attend.set_name(group.name());
  attend.set_attended(true);
  attend.set_feedback_score(5);
  attend.set_feedback_comment("标杆经验可复制");
  v1::Registration reg;
  EXPECT_EQ(status::ReasonOf(
                demobase_->registrations().RecordAttendance(attend, &reg)),
            "EVENT_NOT_STARTED");

  now_ = kNow + absl::Hours(24 * 3 + 2);  // the event has started
  EXPECT_EQ(status::ReasonOf(demobase_->registrations().CreateRegistration(
                GroupRequest(event, 1), &reg)),
            "EVENT_STARTED");
  ASSERT_TRUE(demobase_->events().MarkOpenEventHeld(held, &out).ok());
  EXPECT_EQ(out.state(), v1::EVENT_STATE_HELD);
  EXPECT_EQ(out.attendance(), 13);
  attend.set_feedback_score(6);
  EXPECT_EQ(demobase_->registrations().RecordAttendance(attend, &reg).code(),
            absl::StatusCode::kInvalidArgument);
  attend.set_feedback_score(5);
  ASSERT_TRUE(demobase_->registrations().RecordAttendance(attend, &reg).ok());
  EXPECT_TRUE(reg.attended());
  EXPECT_EQ(reg.feedback_score(), 5);
  EXPECT_EQ(reg.feedback_comment(), "标杆经验可复制");
  // Held is final.
  v1::CancelOpenEventRequest cancel;
  cancel.set_name(event.name());
  cancel.set_reason("天气原因");
  EXPECT_EQ(status::ReasonOf(demobase_->events().CancelOpenEvent(cancel, &out)),
            "EVENT_NOT_SCHEDULED");
}

TEST_F(DemoBaseIntegrationTest,
       CancelledEventsTakeNoRegistrationsAndSuspendedBasesNoEvents) {
  const v1::DemonstrationBase base = CreateBase(1);
  const v1::OpenEvent event = CreateEvent(base, 3, 40);
  v1::CancelOpenEventRequest cancel;
  cancel.set_name(event.name());
  v1::OpenEvent out;
  EXPECT_EQ(demobase_->events().CancelOpenEvent(cancel, &out).code(),
            absl::StatusCode::kInvalidArgument);  // a reason is required
  cancel.set_reason("场馆检修");
  ASSERT_TRUE(demobase_->events().CancelOpenEvent(cancel, &out).ok());
  EXPECT_EQ(out.state(), v1::EVENT_STATE_CANCELLED);
  EXPECT_EQ(out.cancel_reason(), "场馆检修");
  v1::Registration reg;
  EXPECT_EQ(status::ReasonOf(demobase_->registrations().CreateRegistration(
                GroupRequest(event, 2), &reg)),
            "EVENT_NOT_SCHEDULED");

  v1::SuspendDemonstrationBaseRequest suspend;
  suspend.set_name(base.name());
  suspend.set_reason("整改");
  v1::DemonstrationBase suspended;
  ASSERT_TRUE(demobase_->bases()
                  .SuspendDemonstrationBase(call_, suspend, &suspended)
                  .ok());
  v1::CreateOpenEventRequest req;
  req.set_parent(base.name());
  *req.mutable_open_event() = AnEvent(5, 10);
  EXPECT_EQ(status::ReasonOf(demobase_->events().CreateOpenEvent(req, &out)),
            "BASE_NOT_ACTIVE");
}

TEST_F(DemoBaseIntegrationTest,
       TheCalendarListsEveryBaseByStartWithinTheRange) {
  const v1::DemonstrationBase a = CreateBase(1);
  const v1::DemonstrationBase b = CreateBase(11);
  const v1::OpenEvent a_late = CreateEvent(a, 20, 30);
  const v1::OpenEvent b_early = CreateEvent(b, 2, 30);
  const v1::OpenEvent a_mid = CreateEvent(a, 9, 30);
  CreateEvent(b, 60, 30);  // outside the range below

  v1::ListOpenEventsRequest list;
  list.set_parent("demonstrationBases/-");
  *list.mutable_start_date() = dates::ToDate(dates::Today(kNow));
  *list.mutable_end_date() = dates::ToDate(dates::Today(kNow) + 30);
  list.set_page_size(2);
  v1::ListOpenEventsResponse page;
  ASSERT_TRUE(demobase_->events().ListOpenEvents(list, &page).ok());
  ASSERT_EQ(page.open_events_size(), 2);
  EXPECT_EQ(page.open_events(0).name(), b_early.name());
  EXPECT_EQ(page.open_events(0).host(), OrgName(11));
  EXPECT_EQ(page.open_events(1).name(), a_mid.name());
  list.set_page_token(page.next_page_token());
  v1::ListOpenEventsResponse rest;
  ASSERT_TRUE(demobase_->events().ListOpenEvents(list, &rest).ok());
  ASSERT_EQ(rest.open_events_size(), 1);
  EXPECT_EQ(rest.open_events(0).name(), a_late.name());
  EXPECT_TRUE(rest.next_page_token().empty());

  // One base's events only; a range ending before it starts is refused.
  v1::ListOpenEventsRequest one;
  one.set_parent(a.name());
  v1::ListOpenEventsResponse mine;
  ASSERT_TRUE(demobase_->events().ListOpenEvents(one, &mine).ok());
  EXPECT_EQ(mine.open_events_size(), 2);
  std::swap(*list.mutable_start_date(), *list.mutable_end_date());
  list.clear_page_token();
  EXPECT_EQ(demobase_->events().ListOpenEvents(list, &page).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(DemoBaseIntegrationTest, UpdatesKeepCapacityAboveTheConfirmed) {
  const v1::OpenEvent event = CreateEvent(CreateBase(1), 3, 40);
  v1::Registration reg;
  ASSERT_TRUE(demobase_->registrations()
                  .CreateRegistration(GroupRequest(event, 25), &reg)
                  .ok());
  v1::UpdateOpenEventRequest update;
  update.mutable_open_event()->set_name(event.name());
  update.mutable_open_event()->set_capacity(20);
  update.mutable_update_mask()->add_paths("capacity");
  v1::OpenEvent out;
  EXPECT_EQ(status::ReasonOf(demobase_->events().UpdateOpenEvent(update, &out)),
            "CAPACITY_BELOW_CONFIRMED");
  update.mutable_open_event()->set_capacity(25);
  update.mutable_open_event()->set_topic("质量开放日");
  update.mutable_update_mask()->add_paths("topic");
  ASSERT_TRUE(demobase_->events().UpdateOpenEvent(update, &out).ok());
  EXPECT_EQ(out.capacity(), 25);
  EXPECT_EQ(out.topic(), "质量开放日");
  EXPECT_EQ(status::ReasonOf(demobase_->registrations().CreateRegistration(
                GroupRequest(event, 1), &reg)),
            "NOT_ENOUGH_SEATS");
}

}  // namespace
}  // namespace qpp::demobase
