#pragma once

// Storage of training, one interface per resource. The MySQL/MariaDB
// implementations (mysql_<resource>_repository.cc) are the only code with
// SQL; they never throw and map SQL errors to statuses (duplicate key →
// ALREADY_EXISTS, deadlock or lock wait → ABORTED, lost connection →
// UNAVAILABLE, else INTERNAL) without SQL text. Every method runs on the
// connection (and so inside the transaction) it is given.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/db/db.h"
#include "qpp/training/v1/resources.pb.h"

namespace qpp::training {

// A course as stored, with its version.
struct StoredCourse {
  v1::Course course;
  int64_t version = 0;
};

// Which courses a list returns; unset fields do not filter.
struct CourseFilter {
  v1::CourseKind kind = v1::COURSE_KIND_UNSPECIFIED;
};

class CourseRepository {
 public:
  virtual ~CourseRepository() = default;
  // Inserts the course; returns its new id.
  virtual absl::StatusOr<int64_t> InsertCourse(db::Connection& conn,
                                               const v1::Course& course,
                                               absl::Time now) = 0;
  // Locked until the transaction ends if `for_update`; nullopt if none.
  virtual absl::StatusOr<std::optional<StoredCourse>> GetCourse(
      db::Connection& conn, int64_t id, bool for_update) = 0;
  // Ordered by id, after `after_id` (0 for the first page).
  virtual absl::StatusOr<std::vector<v1::Course>> ListCourses(
      db::Connection& conn, const CourseFilter& filter, int64_t after_id,
      int limit) = 0;
  // Writes `course` if the stored version is `expected_version`; false if
  // not.
  virtual absl::StatusOr<bool> UpdateCourse(db::Connection& conn, int64_t id,
                                            const v1::Course& course,
                                            int64_t expected_version,
                                            absl::Time now) = 0;
  // How many sessions the course has.
  virtual absl::StatusOr<int64_t> CountSessions(db::Connection& conn,
                                                int64_t id) = 0;
  // False if there was none.
  virtual absl::StatusOr<bool> DeleteCourse(db::Connection& conn,
                                            int64_t id) = 0;
};

// A session as stored, with its version.
struct StoredSession {
  v1::Session session;
  int64_t course_id = 0;
  int64_t version = 0;
};

// Which sessions a list returns; unset fields do not filter.
struct SessionFilter {
  // 0 for every course.
  int64_t course_id = 0;
  // The provider's USCC.
  std::string provider_uscc;
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  // Inserts a session of `course_id` given by `provider_uscc`; returns its
  // new id.
  virtual absl::StatusOr<int64_t> InsertSession(
      db::Connection& conn, int64_t course_id, const std::string& provider_uscc,
      const v1::Session& session, absl::Time now) = 0;
  // The session `id` of course `course_id`; locked until the transaction
  // ends if `for_update`; nullopt if none.
  virtual absl::StatusOr<std::optional<StoredSession>> GetSession(
      db::Connection& conn, int64_t course_id, int64_t id, bool for_update) = 0;
  // Ordered by id, after `after_id` (0 for the first page).
  virtual absl::StatusOr<std::vector<v1::Session>> ListSessions(
      db::Connection& conn, const SessionFilter& filter, int64_t after_id,
      int limit) = 0;
  // Writes `session` if the stored version is `expected_version`; false if
  // not.
  virtual absl::StatusOr<bool> UpdateSession(db::Connection& conn, int64_t id,
                                             const std::string& provider_uscc,
                                             const v1::Session& session,
                                             int64_t expected_version,
                                             absl::Time now) = 0;
  // False if there was none.
  virtual absl::StatusOr<bool> DeleteSession(db::Connection& conn,
                                             int64_t course_id, int64_t id) = 0;
};

// A trainee as stored: personal data only sealed (and the ID number's
// keyed hash), never in clear.
struct TraineeRecord {
  int64_t id = 0;
  std::string display_name;
  std::string resident_id_hash;
  std::string resident_id_sealed;
  // Empty when the trainee gave no phone.
  std::string phone_sealed;
  std::string employer_uscc;
  std::string employer_district_code;
  absl::Time create_time;
  absl::Time update_time;
  int64_t version = 0;
};

// Which trainees a list returns; unset fields do not filter.
struct TraineeFilter {
  std::string employer_uscc;
};

class TraineeRepository {
 public:
  virtual ~TraineeRepository() = default;
  // Inserts the trainee (id, times and version ignored); returns its new
  // id. ALREADY_EXISTS if a trainee has the same resident_id_hash.
  virtual absl::StatusOr<int64_t> InsertTrainee(db::Connection& conn,
                                                const TraineeRecord& trainee,
                                                absl::Time now) = 0;
  // Locked until the transaction ends if `for_update`; nullopt if none.
  virtual absl::StatusOr<std::optional<TraineeRecord>> GetTrainee(
      db::Connection& conn, int64_t id, bool for_update) = 0;
  // The trainee whose resident ID number has this keyed hash.
  virtual absl::StatusOr<std::optional<TraineeRecord>> FindTraineeByHash(
      db::Connection& conn, const std::string& resident_id_hash) = 0;
  // Ordered by id, after `after_id` (0 for the first page).
  virtual absl::StatusOr<std::vector<TraineeRecord>> ListTrainees(
      db::Connection& conn, const TraineeFilter& filter, int64_t after_id,
      int limit) = 0;
  // Writes name, phone and employer if the stored version is
  // `expected_version`; false if not.
  virtual absl::StatusOr<bool> UpdateTrainee(db::Connection& conn,
                                             const TraineeRecord& trainee,
                                             int64_t expected_version,
                                             absl::Time now) = 0;
  // False if there was none.
  virtual absl::StatusOr<bool> DeleteTrainee(db::Connection& conn,
                                             int64_t id) = 0;
};

// A registration as stored.
struct RegistrationRecord {
  int64_t id = 0;
  int64_t course_id = 0;
  int64_t session_id = 0;
  int64_t trainee_id = 0;
  v1::Registration::State state = v1::Registration::STATE_UNSPECIFIED;
  // For a waitlisted registration, its place in the queue (1 is next).
  int32_t waitlist_position = 0;
  bool attended = false;
  v1::Registration::ExamResult exam_result =
      v1::Registration::EXAM_RESULT_UNSPECIFIED;
  int32_t exam_score = 0;
  absl::Time create_time;
  absl::Time update_time;
  int64_t version = 0;
};

// Which registrations a list returns; unset fields do not filter.
struct RegistrationFilter {
  int64_t session_id = 0;
  int64_t trainee_id = 0;
  v1::Registration::State state = v1::Registration::STATE_UNSPECIFIED;
};

class RegistrationRepository {
 public:
  virtual ~RegistrationRepository() = default;
  // Locks the session `session_id` of course `course_id` until the
  // transaction ends and returns its capacity; nullopt if there is none.
  // Every change to a session's seats takes this lock first, so seats are
  // counted one request at a time.
  virtual absl::StatusOr<std::optional<int32_t>> LockSession(
      db::Connection& conn, int64_t course_id, int64_t session_id) = 0;
  // Confirmed registrations of the session.
  virtual absl::StatusOr<int64_t> CountConfirmed(db::Connection& conn,
                                                 int64_t session_id) = 0;
  // Whether the trainee holds a seat or a waitlist place in the session.
  virtual absl::StatusOr<bool> HasActive(db::Connection& conn,
                                         int64_t session_id,
                                         int64_t trainee_id) = 0;
  // Whether the trainee exists.
  virtual absl::StatusOr<bool> TraineeExists(db::Connection& conn,
                                             int64_t trainee_id) = 0;
  // Inserts a registration (id, times, version and results ignored);
  // returns its new id.
  virtual absl::StatusOr<int64_t> InsertRegistration(
      db::Connection& conn, const RegistrationRecord& registration,
      absl::Time now) = 0;
  // Locked until the transaction ends if `for_update`; nullopt if none.
  virtual absl::StatusOr<std::optional<RegistrationRecord>> GetRegistration(
      db::Connection& conn, int64_t id, bool for_update) = 0;
  // Ordered by id, after `after_id` (0 for the first page).
  virtual absl::StatusOr<std::vector<RegistrationRecord>> ListRegistrations(
      db::Connection& conn, const RegistrationFilter& filter, int64_t after_id,
      int limit) = 0;
  // The first waitlisted registration of the session, if any.
  virtual absl::StatusOr<std::optional<int64_t>> FirstWaitlisted(
      db::Connection& conn, int64_t session_id) = 0;
  // Sets the state.
  virtual absl::Status SetState(db::Connection& conn, int64_t id,
                                v1::Registration::State state,
                                absl::Time now) = 0;
  // Records attendance and exam result.
  virtual absl::Status SetAttendance(db::Connection& conn, int64_t id,
                                     bool attended,
                                     v1::Registration::ExamResult result,
                                     int32_t score, absl::Time now) = 0;
};

// One public verification attempt: the number as given ("?" when it was
// not a certificate number), whether number and code matched, and when.
struct VerificationRow {
  std::string number;
  bool matched = false;
  absl::Time time;
};

// A certificate as stored, with its holder's name.
struct CertificateRecord {
  int64_t id = 0;
  std::string number;
  std::string verification_code;
  v1::CertificateType type = v1::CERTIFICATE_TYPE_UNSPECIFIED;
  int64_t trainee_id = 0;
  std::string holder_name;
  // 0 for a recognised external qualification.
  int64_t registration_id = 0;
  std::string issuing_body;
  absl::CivilDay issue_date;
  absl::CivilDay expiry_date;
  bool revoked = false;
  std::string revoke_reason;
  std::string revoked_by;
  absl::Time revoke_time;
  absl::Time create_time;
  int64_t version = 0;
};

// Which certificates a list returns; unset fields do not filter.
struct CertificateFilter {
  int64_t trainee_id = 0;
  // The holder's employer; empty for any.
  std::string employer_uscc;
  v1::CertificateType type = v1::CERTIFICATE_TYPE_UNSPECIFIED;
  // The state as of `today`.
  v1::Certificate::State state = v1::Certificate::STATE_UNSPECIFIED;
  absl::CivilDay today;
};

class CertificateRepository {
 public:
  virtual ~CertificateRepository() = default;
  // Inserts a certificate without a number (SetNumber gives it one);
  // returns its id. ALREADY_EXISTS if the registration has one.
  virtual absl::StatusOr<int64_t> InsertCertificate(
      db::Connection& conn, const CertificateRecord& certificate,
      absl::Time now) = 0;
  // Sets the number of certificate `id`.
  virtual absl::Status SetNumber(db::Connection& conn, int64_t id,
                                 const std::string& number) = 0;
  // Locked until the transaction ends if `for_update`; nullopt if none.
  virtual absl::StatusOr<std::optional<CertificateRecord>> GetCertificate(
      db::Connection& conn, const std::string& number, bool for_update) = 0;
  // Ordered by id, after `after_id` (0 for the first page).
  virtual absl::StatusOr<std::vector<CertificateRecord>> ListCertificates(
      db::Connection& conn, const CertificateFilter& filter, int64_t after_id,
      int limit) = 0;
  // Revokes (`revoked`, with reason and principal) or reinstates.
  virtual absl::Status SetRevoked(db::Connection& conn, int64_t id,
                                  bool revoked, const std::string& reason,
                                  const std::string& by, absl::Time now) = 0;
  // Records verification attempts, in the caller's transaction.
  virtual absl::Status RecordVerifications(
      db::Connection& conn, absl::Span<const VerificationRow> rows) = 0;
};

// An appointment as stored, with its certificate's number and its
// appointee's name.
struct AppointmentRecord {
  int64_t id = 0;
  std::string organization_uscc;
  v1::Appointment::Role role = v1::Appointment::ROLE_UNSPECIFIED;
  int64_t certificate_id = 0;
  std::string certificate_number;
  int64_t trainee_id = 0;
  std::string appointee_name;
  absl::CivilDay start_date;
  std::optional<absl::CivilDay> end_date;
  absl::Time create_time;
};

// Which appointments a list returns; unset fields do not filter.
struct AppointmentFilter {
  std::string organization_uscc;
  v1::Appointment::Role role = v1::Appointment::ROLE_UNSPECIFIED;
};

class AppointmentRepository {
 public:
  virtual ~AppointmentRepository() = default;
  // Inserts the appointment (id, number, name and time ignored); returns
  // its new id.
  virtual absl::StatusOr<int64_t> InsertAppointment(
      db::Connection& conn, const AppointmentRecord& appointment,
      absl::Time now) = 0;
  // Ordered by id, after `after_id` (0 for the first page); `only_id`, if
  // not 0, returns that appointment alone.
  virtual absl::StatusOr<std::vector<AppointmentRecord>> ListAppointments(
      db::Connection& conn, const AppointmentFilter& filter, int64_t after_id,
      int limit, int64_t only_id = 0) = 0;
};

// A count of one course kind and employer district.
struct KindDistrictCount {
  // COURSE_KIND_UNSPECIFIED for recognised certificates (no course).
  v1::CourseKind kind = v1::COURSE_KIND_UNSPECIFIED;
  std::string district_code;
  int64_t count = 0;
};

// The raw training figures of a period of days (statistics_rules.h turns
// them into the API's figures).
struct PeriodCounts {
  // Attended registrations of sessions that ended in the period.
  std::vector<KindDistrictCount> person_times;
  // People whose first certificate was issued in the period, by that
  // certificate's course kind and the holder's employer district.
  std::vector<KindDistrictCount> newly_certified;
  // Distinct people with an attended registration of a session that ended
  // in the period: in all, per course kind, per employer district.
  int64_t people_trained = 0;
  std::vector<KindDistrictCount> people_by_kind;
  std::vector<KindDistrictCount> people_by_district;
};

class StatisticsRepository {
 public:
  virtual ~StatisticsRepository() = default;
  // The counts of the days `first` through `last`.
  virtual absl::StatusOr<PeriodCounts> CountPeriod(db::Connection& conn,
                                                   absl::CivilDay first,
                                                   absl::CivilDay last) = 0;
  // Distinct trainees employed by `employer_uscc` who attended a session
  // held within the days `first` through `last`.
  virtual absl::StatusOr<int64_t> CountAttendedStaff(
      db::Connection& conn, const std::string& employer_uscc,
      absl::CivilDay first, absl::CivilDay last) = 0;
};

// The MySQL/MariaDB implementations, one file each.
std::unique_ptr<CourseRepository> NewMysqlCourseRepository();
std::unique_ptr<SessionRepository> NewMysqlSessionRepository();
std::unique_ptr<TraineeRepository> NewMysqlTraineeRepository();
std::unique_ptr<RegistrationRepository> NewMysqlRegistrationRepository();
std::unique_ptr<CertificateRepository> NewMysqlCertificateRepository();
std::unique_ptr<StatisticsRepository> NewMysqlStatisticsRepository();
std::unique_ptr<AppointmentRepository> NewMysqlAppointmentRepository();

}  // namespace qpp::training
