// Registrations on a real MariaDB: capacity under many concurrent
// requests, the waitlist and its promotion, attendance and exam results.

#include <atomic>
#include <thread>
#include <vector>

#include "services/training/tests/integration_fixture.h"

namespace qpp::training {
namespace {

using State = v1::Registration::State;

v1::CreateRegistrationRequest Register(const v1::Session& session,
                                       const v1::Trainee& trainee) {
  v1::CreateRegistrationRequest req;
  req.mutable_registration()->set_session(session.name());
  req.mutable_registration()->set_trainee(trainee.name());
  return req;
}

TEST_F(TrainingIntegrationTest, CapacityHoldsUnderConcurrentRegistrations) {
  constexpr int kSeats = 30;
  constexpr int kCallers = 200;
  const v1::Session session = CreateSession(kSeats);
  std::vector<v1::Trainee> trainees;
  for (int i = 0; i < kCallers; ++i) trainees.push_back(CreateTrainee(i + 1));

  std::vector<v1::CreateRegistrationRequest> requests;
  for (int i = 0; i < kCallers; ++i) {
    requests.push_back(Register(session, trainees[i]));
    requests.back().set_request_id(absl::StrCat("register-", i));
  }
  std::vector<v1::Registration> answers(kCallers);
  std::vector<absl::Status> statuses(kCallers);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kCallers; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      statuses[i] = training_->registrations().CreateRegistration(requests[i],
                                                                  &answers[i]);
    });
  }
  go = true;
  for (auto& t : threads) t.join();

  int confirmed = 0, waitlisted = 0;
  for (int i = 0; i < kCallers; ++i) {
    ASSERT_TRUE(statuses[i].ok()) << i << ": " << statuses[i];
    if (answers[i].state() == v1::Registration::STATE_CONFIRMED) ++confirmed;
    if (answers[i].state() == v1::Registration::STATE_WAITLISTED) ++waitlisted;
  }
  EXPECT_EQ(confirmed, kSeats);
  EXPECT_EQ(waitlisted, kCallers - kSeats);
  auto rows = db_->Query(
      "SELECT SUM(state = 1), SUM(state = 2), COUNT(*) FROM registrations");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), kSeats);
  EXPECT_EQ((*rows)[0].Int(1), kCallers - kSeats);
  EXPECT_EQ((*rows)[0].Int(2), kCallers);

  // A retried request id is answered once, with the first answer.
  v1::Registration again;
  ASSERT_TRUE(
      training_->registrations().CreateRegistration(requests[7], &again).ok());
  EXPECT_EQ(again.name(), answers[7].name());
  EXPECT_EQ(again.state(), answers[7].state());
  EXPECT_EQ(Count("registrations"), kCallers);
  // The same trainee again under a new id: already registered.
  requests[7].set_request_id("register-7-again");
  const absl::Status dup =
      training_->registrations().CreateRegistration(requests[7], &again);
  EXPECT_EQ(status::ReasonOf(dup), "REGISTRATION_EXISTS");
}

TEST_F(TrainingIntegrationTest, ACancellationPromotesTheFirstWaitlisted) {
  const v1::Session session = CreateSession(2);
  std::vector<v1::Registration> regs(4);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(training_->registrations()
                    .CreateRegistration(Register(session, CreateTrainee(i + 1)),
                                        &regs[i])
                    .ok());
  }
  EXPECT_EQ(regs[1].state(), v1::Registration::STATE_CONFIRMED);
  EXPECT_EQ(regs[2].state(), v1::Registration::STATE_WAITLISTED);
  EXPECT_EQ(regs[2].waitlist_position(), 1);
  EXPECT_EQ(regs[3].waitlist_position(), 2);

  v1::CancelRegistrationRequest cancel;
  cancel.set_name(regs[0].name());
  v1::Registration cancelled;
  ASSERT_TRUE(
      training_->registrations().CancelRegistration(cancel, &cancelled).ok());
  EXPECT_EQ(cancelled.state(), v1::Registration::STATE_CANCELLED);
  const auto get = [&](const v1::Registration& r) {
    v1::GetRegistrationRequest req;
    req.set_name(r.name());
    v1::Registration out;
    EXPECT_TRUE(training_->registrations().GetRegistration(req, &out).ok());
    return out;
  };
  EXPECT_EQ(get(regs[2]).state(), v1::Registration::STATE_CONFIRMED);
  EXPECT_EQ(get(regs[3]).state(), v1::Registration::STATE_WAITLISTED);
  EXPECT_EQ(get(regs[3]).waitlist_position(), 1);
  // Twice: refused, nothing changes.
  const absl::Status twice =
      training_->registrations().CancelRegistration(cancel, &cancelled);
  EXPECT_EQ(status::ReasonOf(twice), "ALREADY_CANCELLED");
  // A waitlisted one leaves the queue without promoting anyone.
  cancel.set_name(regs[3].name());
  ASSERT_TRUE(
      training_->registrations().CancelRegistration(cancel, &cancelled).ok());
  v1::ListRegistrationsRequest list;
  list.set_session(session.name());
  list.set_state(v1::Registration::STATE_CONFIRMED);
  v1::ListRegistrationsResponse confirmed;
  ASSERT_TRUE(
      training_->registrations().ListRegistrations(list, &confirmed).ok());
  ASSERT_EQ(confirmed.registrations_size(), 2);
  EXPECT_EQ(confirmed.registrations(0).name(), regs[1].name());
  EXPECT_EQ(confirmed.registrations(1).name(), regs[2].name());
}

TEST_F(TrainingIntegrationTest, AttendanceAndExamResultsOnConfirmedOnly) {
  const v1::Session session = CreateSession(1);
  v1::Registration seat, waiting;
  ASSERT_TRUE(
      training_->registrations()
          .CreateRegistration(Register(session, CreateTrainee(1)), &seat)
          .ok());
  ASSERT_TRUE(
      training_->registrations()
          .CreateRegistration(Register(session, CreateTrainee(2)), &waiting)
          .ok());
  v1::RecordAttendanceRequest req;
  req.set_name(seat.name());
  req.set_attended(true);
  req.set_exam_result(v1::Registration::EXAM_RESULT_PASSED);
  req.set_exam_score(88);
  v1::Registration out;
  ASSERT_TRUE(training_->registrations().RecordAttendance(req, &out).ok());
  EXPECT_TRUE(out.attended());
  EXPECT_EQ(out.exam_result(), v1::Registration::EXAM_RESULT_PASSED);
  EXPECT_EQ(out.exam_score(), 88);

  req.set_exam_score(101);
  EXPECT_EQ(training_->registrations().RecordAttendance(req, &out).code(),
            absl::StatusCode::kInvalidArgument);
  req.set_exam_score(60);
  req.set_attended(false);
  EXPECT_EQ(training_->registrations().RecordAttendance(req, &out).code(),
            absl::StatusCode::kInvalidArgument);
  req.set_name(waiting.name());
  req.set_attended(true);
  const absl::Status s = training_->registrations().RecordAttendance(req, &out);
  EXPECT_EQ(status::ReasonOf(s), "NOT_CONFIRMED");
  auto rows = db_->Query("SELECT SUM(attended) FROM registrations");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), 1);
}

TEST_F(TrainingIntegrationTest, RegistrationsNeedASessionAndATrainee) {
  const v1::Session session = CreateSession(5);
  v1::CreateRegistrationRequest req;
  req.mutable_registration()->set_session(session.name());
  req.mutable_registration()->set_trainee("trainees/999999");
  v1::Registration out;
  EXPECT_EQ(training_->registrations().CreateRegistration(req, &out).code(),
            absl::StatusCode::kNotFound);
  req.mutable_registration()->set_session("courses/1/sessions/999999");
  EXPECT_EQ(training_->registrations().CreateRegistration(req, &out).code(),
            absl::StatusCode::kNotFound);
  req.mutable_registration()->set_session("sessions/1");
  req.mutable_registration()->set_trainee("x");
  const absl::Status bad =
      training_->registrations().CreateRegistration(req, &out);
  EXPECT_EQ(status::FieldViolationsOf(bad).size(), 2u);
  EXPECT_EQ(Count("registrations"), 0);
}

}  // namespace
}  // namespace qpp::training
