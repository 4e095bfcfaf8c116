// Training's use cases on a real MariaDB with a fake registry: stored rows,
// statuses, paging, etags and idempotency; bad input and a registry that is
// down write nothing.

#include "services/training/tests/integration_fixture.h"

namespace qpp::training {
namespace {

TEST_F(TrainingIntegrationTest, CreatesGetsListsUpdatesAndDeletesCourses) {
  const v1::Course created = CreateCourse();
  EXPECT_TRUE(absl::StartsWith(created.name(), "courses/"));
  EXPECT_EQ(created.title(), "质量工程师培训");
  EXPECT_EQ(created.etag(), "\"1\"");
  EXPECT_EQ(dates::FromTimestamp(created.create_time()), kNow);

  v1::GetCourseRequest get;
  get.set_name(created.name());
  v1::Course got;
  ASSERT_TRUE(training_->courses().GetCourse(get, &got).ok());
  EXPECT_EQ(got.SerializeAsString(), created.SerializeAsString());

  for (int i = 0; i < 2; ++i) CreateCourse();
  v1::ListCoursesRequest list;
  list.set_page_size(2);
  v1::ListCoursesResponse page;
  ASSERT_TRUE(training_->courses().ListCourses(list, &page).ok());
  EXPECT_EQ(page.courses_size(), 2);
  ASSERT_FALSE(page.next_page_token().empty());
  list.set_page_token(page.next_page_token());
  v1::ListCoursesResponse last;
  ASSERT_TRUE(training_->courses().ListCourses(list, &last).ok());
  EXPECT_EQ(last.courses_size(), 1);
  EXPECT_TRUE(last.next_page_token().empty());
  v1::ListCoursesRequest by_kind;
  by_kind.set_kind(v1::COURSE_KIND_LEADERSHIP_LECTURE);
  v1::ListCoursesResponse none;
  ASSERT_TRUE(training_->courses().ListCourses(by_kind, &none).ok());
  EXPECT_EQ(none.courses_size(), 0);

  v1::UpdateCourseRequest update;
  update.mutable_course()->set_name(created.name());
  update.mutable_course()->set_hours(32);
  update.mutable_course()->set_etag(created.etag());
  update.mutable_update_mask()->add_paths("hours");
  v1::Course updated;
  ASSERT_TRUE(training_->courses().UpdateCourse(update, &updated).ok());
  EXPECT_EQ(updated.hours(), 32);
  EXPECT_EQ(updated.etag(), "\"2\"");
  // The old etag is stale now.
  EXPECT_EQ(training_->courses().UpdateCourse(update, &updated).code(),
            absl::StatusCode::kAborted);
  // An update that would leave a certificate course without an exam.
  v1::UpdateCourseRequest no_exam;
  no_exam.mutable_course()->set_name(created.name());
  no_exam.mutable_update_mask()->add_paths("has_exam");
  const absl::Status bad = training_->courses().UpdateCourse(no_exam, &updated);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(status::FieldViolationsOf(bad).size(), 1u);
  EXPECT_EQ(status::FieldViolationsOf(bad)[0].field, "course.has_exam");

  v1::DeleteCourseRequest del;
  del.set_name(created.name());
  v1::DeleteCourseResponse deleted;
  ASSERT_TRUE(training_->courses().DeleteCourse(del, &deleted).ok());
  EXPECT_EQ(training_->courses().GetCourse(get, &got).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(training_->courses().DeleteCourse(del, &deleted).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Count("courses"), 2);
}

TEST_F(TrainingIntegrationTest, ARetriedCreateIsAnsweredOnce) {
  v1::CreateCourseRequest req;
  *req.mutable_course() = ACourse();
  req.set_request_id("create-course-1");
  v1::Course first, second;
  ASSERT_TRUE(training_->courses().CreateCourse(req, &first).ok());
  ASSERT_TRUE(training_->courses().CreateCourse(req, &second).ok());
  EXPECT_EQ(first.name(), second.name());
  EXPECT_EQ(Count("courses"), 1);
}

TEST_F(TrainingIntegrationTest, BadCoursesWriteNothing) {
  v1::CreateCourseRequest req;
  *req.mutable_course() = ACourse();
  req.mutable_course()->set_hours(-3);
  req.mutable_course()->set_title("");
  v1::Course out;
  const absl::Status s = training_->courses().CreateCourse(req, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status::FieldViolationsOf(s).size(), 2u);
  EXPECT_EQ(Count("courses"), 0);
  EXPECT_EQ(Count("idempotency_keys"), 0);
}

TEST_F(TrainingIntegrationTest, SessionsNeedARegisteredProviderAndACourse) {
  const v1::Course course = CreateCourse();
  v1::CreateSessionRequest req;
  req.set_parent(course.name());
  *req.mutable_session() = ASession(1);
  v1::Session session;
  ASSERT_TRUE(training_->sessions().CreateSession(call_, req, &session).ok());
  EXPECT_TRUE(absl::StartsWith(session.name(), course.name() + "/sessions/"));
  EXPECT_EQ(session.provider(), "organizations/" + Uscc(1));
  EXPECT_EQ(session.capacity(), 30);

  // Not registered, archived: FAILED_PRECONDITION, nothing written.
  for (int provider : {3, 2}) {
    *req.mutable_session() = ASession(provider);
    const absl::Status s =
        training_->sessions().CreateSession(call_, req, &session);
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
    EXPECT_EQ(status::ReasonOf(s), "ORGANIZATION_NOT_REGISTERED");
  }
  // A course that does not exist.
  req.set_parent("courses/999999");
  *req.mutable_session() = ASession(1);
  EXPECT_EQ(training_->sessions().CreateSession(call_, req, &session).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Count("sessions"), 1);

  // The course now has a session and cannot be deleted.
  v1::DeleteCourseRequest del;
  del.set_name(course.name());
  v1::DeleteCourseResponse deleted;
  const absl::Status s = training_->courses().DeleteCourse(del, &deleted);
  EXPECT_EQ(status::ReasonOf(s), "COURSE_HAS_SESSIONS");
}

TEST_F(TrainingIntegrationTest, RegistryDownIsUnavailableAndWritesNothing) {
  const v1::Course course = CreateCourse();
  registry_->SetDown(true);
  v1::CreateSessionRequest req;
  req.set_parent(course.name());
  *req.mutable_session() = ASession(1);
  req.set_request_id("session-while-down");
  v1::Session session;
  const absl::Status s =
      training_->sessions().CreateSession(call_, req, &session);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status::ReasonOf(s), "REGISTRY_UNAVAILABLE");
  EXPECT_EQ(Count("sessions"), 0);
  auto keys = db_->Query(
      "SELECT COUNT(*) FROM idempotency_keys WHERE request_id = "
      "'session-while-down'");
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ((*keys)[0].Int(0), 0);
  // Once it is back, the same request goes through.
  registry_->SetDown(false);
  EXPECT_TRUE(training_->sessions().CreateSession(call_, req, &session).ok());
  EXPECT_EQ(Count("sessions"), 1);
}

TEST_F(TrainingIntegrationTest, UpdatesListsAndDeletesSessions) {
  const v1::Course course = CreateCourse();
  v1::CreateSessionRequest req;
  req.set_parent(course.name());
  *req.mutable_session() = ASession(1);
  v1::Session first, second;
  ASSERT_TRUE(training_->sessions().CreateSession(call_, req, &first).ok());
  ASSERT_TRUE(training_->sessions().CreateSession(call_, req, &second).ok());

  v1::UpdateSessionRequest update;
  update.mutable_session()->set_name(first.name());
  update.mutable_session()->set_capacity(45);
  update.mutable_session()->set_etag(first.etag());
  update.mutable_update_mask()->add_paths("capacity");
  v1::Session updated;
  ASSERT_TRUE(
      training_->sessions().UpdateSession(call_, update, &updated).ok());
  EXPECT_EQ(updated.capacity(), 45);
  EXPECT_EQ(updated.place(), first.place());

  // A provider change is checked with the registry.
  v1::UpdateSessionRequest move;
  move.mutable_session()->set_name(first.name());
  move.mutable_session()->set_provider("organizations/" + Uscc(3));
  move.mutable_update_mask()->add_paths("provider");
  EXPECT_EQ(training_->sessions().UpdateSession(call_, move, &updated).code(),
            absl::StatusCode::kFailedPrecondition);

  v1::ListSessionsRequest list;
  list.set_parent("courses/-");
  list.set_provider("organizations/" + Uscc(1));
  v1::ListSessionsResponse page;
  ASSERT_TRUE(training_->sessions().ListSessions(list, &page).ok());
  EXPECT_EQ(page.sessions_size(), 2);
  list.set_parent("courses/abc");
  EXPECT_EQ(training_->sessions().ListSessions(list, &page).code(),
            absl::StatusCode::kInvalidArgument);

  v1::DeleteSessionRequest del;
  del.set_name(second.name());
  v1::DeleteSessionResponse deleted;
  ASSERT_TRUE(training_->sessions().DeleteSession(del, &deleted).ok());
  v1::GetSessionRequest get;
  get.set_name(second.name());
  EXPECT_EQ(training_->sessions().GetSession(get, &updated).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Count("sessions"), 1);
}

TEST_F(TrainingIntegrationTest, TraineesAreSealedHashedAndMasked) {
  v1::CreateTraineeRequest req;
  *req.mutable_trainee() = ATrainee(1, 1);
  req.set_request_id("trainee-1");
  v1::Trainee created;
  ASSERT_TRUE(training_->trainees().CreateTrainee(call_, req, &created).ok());
  const std::string id = ResidentId(1);
  EXPECT_EQ(created.resident_id(), "");
  EXPECT_EQ(created.masked_resident_id(),
            id.substr(0, 4) + "**********" + id.substr(14));
  EXPECT_EQ(created.phone(), "");
  EXPECT_EQ(created.masked_phone(), "139****5678");
  EXPECT_EQ(created.employer_district_code(), "440304");
  // A retry is answered once.
  v1::Trainee again;
  ASSERT_TRUE(training_->trainees().CreateTrainee(call_, req, &again).ok());
  EXPECT_EQ(again.name(), created.name());
  EXPECT_EQ(Count("trainees"), 1);

  // Found by the number, through its keyed hash.
  v1::LookupTraineeRequest lookup;
  lookup.set_resident_id(id);
  v1::Trainee found;
  ASSERT_TRUE(training_->trainees().LookupTrainee(lookup, &found).ok());
  EXPECT_EQ(found.name(), created.name());
  lookup.set_resident_id(ResidentId(2));
  const absl::Status missing =
      training_->trainees().LookupTrainee(lookup, &found);
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.message().find(ResidentId(2)), std::string::npos);

  // The same number again, under another request id.
  req.set_request_id("trainee-1-dup");
  const absl::Status dup =
      training_->trainees().CreateTrainee(call_, req, &again);
  EXPECT_EQ(dup.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(status::ReasonOf(dup), "TRAINEE_EXISTS");
  EXPECT_EQ(dup.message().find(id), std::string::npos);

  // A new phone is sealed too.
  v1::UpdateTraineeRequest update;
  update.mutable_trainee()->set_name(created.name());
  update.mutable_trainee()->set_phone("13700001111");
  update.mutable_update_mask()->add_paths("phone");
  v1::Trainee updated;
  ASSERT_TRUE(
      training_->trainees().UpdateTrainee(call_, update, &updated).ok());
  EXPECT_EQ(updated.masked_phone(), "137****1111");

  // No table holds the number or a phone in clear.
  for (const std::string table : {"trainees", "sessions", "courses",
                                  "registrations", "idempotency_keys"}) {
    auto rows = db_->Query("SELECT * FROM " + table);
    ASSERT_TRUE(rows.ok()) << rows.status();
    for (const db::Row& row : *rows) {
      for (size_t i = 0; i < row.size(); ++i) {
        for (const std::string secret :
             {id, id.substr(6, 8), std::string("13912345678"),
              std::string("13700001111")}) {
          EXPECT_EQ(row.String(i).find(secret), std::string::npos)
              << table << " column " << i;
        }
      }
    }
  }
}

TEST_F(TrainingIntegrationTest,
       BadTraineesAndUnregisteredEmployersWriteNothing) {
  v1::CreateTraineeRequest req;
  *req.mutable_trainee() = ATrainee(3, 1);
  std::string corrupted = ResidentId(3);
  corrupted[17] = corrupted[17] == '0' ? '1' : '0';
  req.mutable_trainee()->set_resident_id(corrupted);
  v1::Trainee out;
  const absl::Status bad =
      training_->trainees().CreateTrainee(call_, req, &out);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(status::FieldViolationsOf(bad).size(), 1u);
  EXPECT_EQ(status::FieldViolationsOf(bad)[0].field, "trainee.resident_id");
  EXPECT_EQ(status::FieldViolationsOf(bad)[0].description.find(corrupted),
            std::string::npos);
  EXPECT_EQ(registry_->calls(), 0);

  *req.mutable_trainee() = ATrainee(3, 9);
  const absl::Status unregistered =
      training_->trainees().CreateTrainee(call_, req, &out);
  EXPECT_EQ(status::ReasonOf(unregistered), "ORGANIZATION_NOT_REGISTERED");

  registry_->SetDown(true);
  *req.mutable_trainee() = ATrainee(3, 1);
  const absl::Status down =
      training_->trainees().CreateTrainee(call_, req, &out);
  EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status::ReasonOf(down), "REGISTRY_UNAVAILABLE");
  EXPECT_EQ(Count("trainees"), 0);
  EXPECT_EQ(Count("idempotency_keys"), 0);
}

}  // namespace
}  // namespace qpp::training
