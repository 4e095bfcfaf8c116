// A provider's bulk attendance upload on a real MariaDB: valid rows
// applied, invalid ones reported row by row, a retry answered once, and
// nothing written for a malformed upload.

#include "services/training/src/registration_rules.h"
#include "services/training/tests/integration_fixture.h"

namespace qpp::training {
namespace {

class AttendanceUploadTest : public TrainingIntegrationTest {
 protected:
  v1::Registration Register(const v1::Session& session, int trainee) {
    v1::CreateRegistrationRequest req;
    req.mutable_registration()->set_session(session.name());
    req.mutable_registration()->set_trainee(CreateTrainee(trainee).name());
    v1::Registration out;
    EXPECT_TRUE(training_->registrations().CreateRegistration(req, &out).ok());
    return out;
  }

  static v1::AttendanceRow Row(const std::string& registration, bool attended,
                               v1::Registration::ExamResult result, int score) {
    v1::AttendanceRow row;
    row.set_registration(registration);
    row.set_attended(attended);
    row.set_exam_result(result);
    row.set_exam_score(score);
    return row;
  }
};

TEST_F(AttendanceUploadTest, AppliesValidRowsAndReportsTheOthers) {
  const v1::Session session = CreateSession(2);
  const v1::Session other = CreateSession(2);
  const v1::Registration passed = Register(session, 1);
  const v1::Registration absent = Register(session, 2);
  const v1::Registration waiting = Register(session, 3);  // waitlisted
  const v1::Registration elsewhere = Register(other, 4);
  ASSERT_EQ(waiting.state(), v1::Registration::STATE_WAITLISTED);

  v1::BatchRecordAttendanceRequest req;
  req.set_session(session.name());
  req.set_request_id("0d8c7f62-3c1e-4f6b-9a0e-5b7d2c1e9f00");
  *req.add_rows() =
      Row(passed.name(), true, v1::Registration::EXAM_RESULT_PASSED, 91);
  *req.add_rows() =
      Row(absent.name(), false, v1::Registration::EXAM_RESULT_UNSPECIFIED, 0);
  *req.add_rows() =
      Row(waiting.name(), true, v1::Registration::EXAM_RESULT_PASSED, 70);
  *req.add_rows() =
      Row(elsewhere.name(), true, v1::Registration::EXAM_RESULT_PASSED, 80);
  *req.add_rows() = Row("registrations/999999", true,
                        v1::Registration::EXAM_RESULT_PASSED, 80);
  *req.add_rows() =
      Row("registrations/x", true, v1::Registration::EXAM_RESULT_PASSED, 80);
  *req.add_rows() =
      Row(absent.name(), true, v1::Registration::EXAM_RESULT_FAILED, 140);
  v1::BatchRecordAttendanceResponse resp;
  const absl::Status s =
      training_->registrations().BatchRecordAttendance(req, &resp);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(resp.applied_count(), 2);
  EXPECT_EQ(resp.failed_count(), 5);
  ASSERT_EQ(resp.results_size(), 7);
  const int kOk = 0, kInvalid = 3, kNotFound = 5, kFailedPrecondition = 9;
  const int expected[] = {
      kOk,      kOk,     kFailedPrecondition, kFailedPrecondition, kNotFound,
      kInvalid, kInvalid};
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(resp.results(i).index(), i);
    EXPECT_EQ(resp.results(i).status().code(), expected[i])
        << i << ": " << resp.results(i).status().message();
  }
  EXPECT_TRUE(resp.results(0).registration().attended());
  EXPECT_EQ(resp.results(0).registration().exam_score(), 91);
  EXPECT_TRUE(
      absl::StrContains(resp.results(3).status().message(), "another session"));
  // Field violations travel with the row's status.
  EXPECT_GT(resp.results(6).status().details_size(), 0);

  // Only the valid rows were written.
  auto rows =
      db_->Query("SELECT COUNT(*) FROM registrations WHERE attended = 1");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), 1);

  // A retry with the same request id answers the same, writing nothing.
  v1::BatchRecordAttendanceResponse again;
  ASSERT_TRUE(
      training_->registrations().BatchRecordAttendance(req, &again).ok());
  EXPECT_EQ(again.SerializeAsString(), resp.SerializeAsString());
}

TEST_F(AttendanceUploadTest, AMalformedUploadWritesNothing) {
  const v1::Session session = CreateSession(2);
  const v1::Registration r = Register(session, 1);
  v1::BatchRecordAttendanceResponse resp;
  v1::BatchRecordAttendanceRequest req;
  req.set_session("sessions/1");
  absl::Status s = training_->registrations().BatchRecordAttendance(req, &resp);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status::FieldViolationsOf(s).size(), 2u) << s;  // session, rows
  req.set_session(session.name());
  for (int i = 0; i <= kMaxAttendanceRows; ++i) {
    *req.add_rows() =
        Row(r.name(), true, v1::Registration::EXAM_RESULT_PASSED, 80);
  }
  s = training_->registrations().BatchRecordAttendance(req, &resp);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(status::FieldViolationsOf(s).size(), 1u);
  EXPECT_EQ(status::FieldViolationsOf(s)[0].field, "rows");
  // An unknown session.
  req.mutable_rows()->DeleteSubrange(1, kMaxAttendanceRows);
  req.set_session("courses/1/sessions/999999");
  s = training_->registrations().BatchRecordAttendance(req, &resp);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  auto rows =
      db_->Query("SELECT COUNT(*) FROM registrations WHERE attended = 1");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), 0);
}

}  // namespace
}  // namespace qpp::training
