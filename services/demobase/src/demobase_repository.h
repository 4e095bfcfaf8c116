#pragma once

// Storage of demobase, one interface per resource. The MySQL/MariaDB
// implementations (mysql_<resource>_repository.cc) are the only code with
// SQL; they never throw and map SQL errors to statuses (duplicate key →
// ALREADY_EXISTS, deadlock or lock wait → ABORTED, lost connection →
// UNAVAILABLE, else INTERNAL) without SQL text. Every method runs on the
// connection (and so inside the transaction) it is given.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/db.h"
#include "services/demobase/src/base_rules.h"
#include "services/demobase/src/event_rules.h"
#include "services/demobase/src/project_rules.h"
#include "services/demobase/src/registration_rules.h"
#include "services/demobase/src/survey_rules.h"

namespace qpp::demobase {

// Which bases a list returns; unset fields do not filter.
struct BaseFilter {
  int32_t year = 0;
  v1::BaseStatus status = v1::BASE_STATUS_UNSPECIFIED;
  std::string organization_uscc;
};

class BaseRepository {
 public:
  virtual ~BaseRepository() = default;
  // Makes sure `year` has its counter row (outside any transaction: a new
  // row is committed at once, so that designations only ever lock it).
  virtual absl::Status EnsureYear(db::Connection& conn, int32_t year) = 0;
  // Locks the counter row of `year` until the transaction ends: every
  // designation of the year takes this lock first.
  virtual absl::Status LockYear(db::Connection& conn, int32_t year) = 0;
  // Designations of `year` that are not withdrawn.
  virtual absl::StatusOr<int64_t> CountDesignations(db::Connection& conn,
                                                    int32_t year) = 0;
  // Inserts a base (id, times and version ignored); returns its id.
  // ALREADY_EXISTS if the organisation is a base of that year.
  virtual absl::StatusOr<int64_t> InsertBase(db::Connection& conn,
                                             const BaseRecord& base,
                                             absl::Time now) = 0;
  // Appends a status change to the base's history.
  virtual absl::Status InsertStatusChange(db::Connection& conn,
                                          const StatusChangeRecord& change) = 0;
  // Locked until the transaction ends if `for_update`; nullopt if none.
  virtual absl::StatusOr<std::optional<BaseRecord>> GetBase(
      db::Connection& conn, int64_t id, bool for_update) = 0;
  // Ordered by id, after `after_id` (0 for the first page).
  virtual absl::StatusOr<std::vector<BaseRecord>> ListBases(
      db::Connection& conn, const BaseFilter& filter, int64_t after_id,
      int limit) = 0;
  // The histories of the bases `ids`, each oldest first.
  virtual absl::StatusOr<std::map<int64_t, std::vector<StatusChangeRecord>>>
  ListHistories(db::Connection& conn, const std::vector<int64_t>& ids) = 0;
  // Writes theme, industry, status and reason if the stored version is
  // `expected_version`; false if not.
  virtual absl::StatusOr<bool> UpdateBase(db::Connection& conn,
                                          const BaseRecord& base,
                                          int64_t expected_version,
                                          absl::Time now) = 0;
};

// Which events a list returns, by start time; unset fields do not filter.
struct EventFilter {
  // 0 for every base.
  int64_t base_id = 0;
  StartRange range;
  v1::EventKind kind = v1::EVENT_KIND_UNSPECIFIED;
  v1::EventState state = v1::EVENT_STATE_UNSPECIFIED;
};

// Position in a list by (start_time, id).
struct EventCursor {
  absl::Time start_time;
  int64_t id = 0;
};

class EventRepository {
 public:
  virtual ~EventRepository() = default;
  // Inserts an event (id, times, version, headcount, state ignored: it
  // starts scheduled); returns its id.
  virtual absl::StatusOr<int64_t> InsertEvent(db::Connection& conn,
                                              const EventRecord& event,
                                              absl::Time now) = 0;
  // The event `id` of base `base_id`; locked until the transaction ends if
  // `for_update` (every change to its seats takes this lock first); nullopt
  // if none.
  virtual absl::StatusOr<std::optional<EventRecord>> GetEvent(
      db::Connection& conn, int64_t base_id, int64_t id, bool for_update) = 0;
  // Ordered by (start_time, id), after `after` (nullopt for the first
  // page).
  virtual absl::StatusOr<std::vector<EventRecord>> ListEvents(
      db::Connection& conn, const EventFilter& filter,
      const std::optional<EventCursor>& after, int limit) = 0;
  // Writes every mutable column if the stored version is
  // `expected_version`; false if not.
  virtual absl::StatusOr<bool> UpdateEvent(db::Connection& conn,
                                           const EventRecord& event,
                                           int64_t expected_version,
                                           absl::Time now) = 0;
};

class RegistrationRepository {
 public:
  virtual ~RegistrationRepository() = default;
  // Inserts a registration (id, times, version, results ignored); returns
  // its id.
  virtual absl::StatusOr<int64_t> InsertRegistration(
      db::Connection& conn, const RegistrationRecord& registration,
      absl::Time now) = 0;
  // The registration `id` of event `event_id`; locked until the
  // transaction ends if `for_update`; nullopt if none.
  virtual absl::StatusOr<std::optional<RegistrationRecord>> GetRegistration(
      db::Connection& conn, int64_t event_id, int64_t id, bool for_update) = 0;
  // The registrations of an event by id, after `after_id`, optionally in
  // one state.
  virtual absl::StatusOr<std::vector<RegistrationRecord>> ListRegistrations(
      db::Connection& conn, int64_t event_id, v1::RegistrationState state,
      int64_t after_id, int limit) = 0;
  // Sets the state.
  virtual absl::Status SetState(db::Connection& conn, int64_t id,
                                v1::RegistrationState state,
                                absl::Time now) = 0;
  // Records attendance and feedback.
  virtual absl::Status SetAttendance(db::Connection& conn, int64_t id,
                                     bool attended, int32_t score,
                                     const std::string& comment,
                                     absl::Time now) = 0;
  // Adds `delta` to the event's confirmed headcount.
  virtual absl::Status AddConfirmedHeadcount(db::Connection& conn,
                                             int64_t event_id, int32_t delta,
                                             absl::Time now) = 0;
};

// The year's figures of one base, for compliance.
struct BaseYearFigures {
  BaseRecord base;
  int32_t events_held = 0;
  int32_t events_scheduled = 0;
  int64_t visitors = 0;
  int64_t feedback_sum = 0;
  int32_t feedback_count = 0;
};

// The year's figures of the programme.
struct YearFigures {
  int32_t bases_designated = 0;
  int32_t events_held = 0;
  int32_t events_cancelled = 0;
  int64_t visitors = 0;
};

class ReportRepository {
 public:
  virtual ~ReportRepository() = default;
  // The bases designated in the year with the events starting in
  // [year_start, year_end): held ones that started before `as_of_end`, and
  // scheduled ones; their visitors and feedback. By base id after
  // `after_id`.
  virtual absl::StatusOr<std::vector<BaseYearFigures>> ListBaseYearFigures(
      db::Connection& conn, int32_t year, absl::Time year_start,
      absl::Time year_end, absl::Time as_of_end, int64_t after_id,
      int limit) = 0;
  // Designations (not withdrawn) of `year`, and events starting in
  // [year_start, year_end) held or cancelled, with the visitors.
  virtual absl::StatusOr<YearFigures> GetYearFigures(db::Connection& conn,
                                                     int32_t year,
                                                     absl::Time year_start,
                                                     absl::Time year_end) = 0;
};

class SurveyRepository {
 public:
  virtual ~SurveyRepository() = default;
  // Inserts a round (open); returns its id.
  virtual absl::StatusOr<int64_t> InsertRound(db::Connection& conn,
                                              const v1::SurveyRound& round,
                                              absl::Time now) = 0;
  // Locked until the transaction ends if `for_update`; nullopt if none.
  virtual absl::StatusOr<std::optional<RoundRecord>> GetRound(
      db::Connection& conn, int64_t id, bool for_update) = 0;
  // Ordered by id after `after_id`, optionally of one industry.
  virtual absl::StatusOr<std::vector<RoundRecord>> ListRounds(
      db::Connection& conn, const std::string& industry, int64_t after_id,
      int limit) = 0;
  // Sets the state.
  virtual absl::Status SetRoundState(db::Connection& conn, int64_t id,
                                     v1::SurveyRoundState state,
                                     absl::Time now) = 0;
  // Inserts a score with its dimension scores. ALREADY_EXISTS if the
  // organisation has one in the round.
  virtual absl::Status InsertScore(db::Connection& conn,
                                   const ScoreRecord& score,
                                   absl::Time now) = 0;
  // The round's scores by USCC after `after_uscc`, with their dimensions.
  virtual absl::StatusOr<std::vector<ScoreRecord>> ListScores(
      db::Connection& conn, int64_t round_id, const std::string& after_uscc,
      int limit) = 0;
  // Completed rounds whose period ends in [first, last].
  virtual absl::StatusOr<int32_t> CountCompletedRounds(db::Connection& conn,
                                                       absl::CivilDay first,
                                                       absl::CivilDay last) = 0;
};

// Which projects a list returns; unset fields do not filter.
struct ProjectFilter {
  v1::ProjectScope scope = v1::PROJECT_SCOPE_UNSPECIFIED;
  std::string sector;
  std::string district;
  v1::ProjectStatus status = v1::PROJECT_STATUS_UNSPECIFIED;
};

// How many projects of one scope have one status.
struct ProjectStatusFigure {
  v1::ProjectScope scope = v1::PROJECT_SCOPE_UNSPECIFIED;
  v1::ProjectStatus status = v1::PROJECT_STATUS_UNSPECIFIED;
  int32_t count = 0;
};

class ProjectRepository {
 public:
  virtual ~ProjectRepository() = default;
  // The display name of sector `code`; nullopt if the sector table has no
  // such sector.
  virtual absl::StatusOr<std::optional<std::string>> GetSectorName(
      db::Connection& conn, const std::string& code) = 0;
  // Inserts a project (id, times, version, display name ignored); returns
  // its id.
  virtual absl::StatusOr<int64_t> InsertProject(db::Connection& conn,
                                                const ProjectRecord& project,
                                                absl::Time now) = 0;
  // Locked until the transaction ends if `for_update` (every change to the
  // project, its participants or milestones takes this lock first);
  // nullopt if none.
  virtual absl::StatusOr<std::optional<ProjectRecord>> GetProject(
      db::Connection& conn, int64_t id, bool for_update) = 0;
  // Ordered by id, after `after_id` (0 for the first page).
  virtual absl::StatusOr<std::vector<ProjectRecord>> ListProjects(
      db::Connection& conn, const ProjectFilter& filter, int64_t after_id,
      int limit) = 0;
  // Writes every mutable column and a new version if the stored version is
  // `expected_version`; false if not.
  virtual absl::StatusOr<bool> UpdateProject(db::Connection& conn,
                                             const ProjectRecord& project,
                                             int64_t expected_version,
                                             absl::Time now) = 0;
  // Appends a status change to the project's history.
  virtual absl::Status InsertStatusChange(
      db::Connection& conn, const ProjectStatusChangeRecord& change) = 0;
  // Adds a participant. ALREADY_EXISTS if it takes part already.
  virtual absl::Status InsertParticipant(db::Connection& conn,
                                         const ParticipantRecord& p) = 0;
  // Removes a participant; false if it did not take part.
  virtual absl::StatusOr<bool> DeleteParticipant(db::Connection& conn,
                                                 int64_t project_id,
                                                 const std::string& uscc) = 0;
  // Inserts a milestone (id, times, completion ignored: it starts
  // pending); returns its id.
  virtual absl::StatusOr<int64_t> InsertMilestone(db::Connection& conn,
                                                  const MilestoneRecord& m,
                                                  absl::Time now) = 0;
  // The milestone `id` of project `project_id`; nullopt if none.
  virtual absl::StatusOr<std::optional<MilestoneRecord>> GetMilestone(
      db::Connection& conn, int64_t project_id, int64_t id) = 0;
  // Marks a milestone completed on `day` with `evidence`.
  virtual absl::Status CompleteMilestone(db::Connection& conn, int64_t id,
                                         absl::CivilDay day,
                                         const std::string& evidence,
                                         absl::Time now) = 0;
  // Pending milestones of a project.
  virtual absl::StatusOr<int64_t> CountPendingMilestones(
      db::Connection& conn, int64_t project_id) = 0;
  // The histories (oldest first), participants (by USCC) and milestones
  // (by due date, id) of the projects `ids`.
  virtual absl::StatusOr<
      std::map<int64_t, std::vector<ProjectStatusChangeRecord>>>
  ListHistories(db::Connection& conn, const std::vector<int64_t>& ids) = 0;
  virtual absl::StatusOr<std::map<int64_t, std::vector<ParticipantRecord>>>
  ListParticipants(db::Connection& conn, const std::vector<int64_t>& ids) = 0;
  virtual absl::StatusOr<std::map<int64_t, std::vector<MilestoneRecord>>>
  ListMilestones(db::Connection& conn, const std::vector<int64_t>& ids) = 0;
  // Projects whose planned period overlaps [first, last], counted by scope
  // and status.
  virtual absl::StatusOr<std::vector<ProjectStatusFigure>> CountByStatus(
      db::Connection& conn, absl::CivilDay first, absl::CivilDay last) = 0;
};

// The MySQL/MariaDB implementations, one file each.
std::unique_ptr<BaseRepository> NewMysqlBaseRepository();
std::unique_ptr<EventRepository> NewMysqlEventRepository();
std::unique_ptr<RegistrationRepository> NewMysqlRegistrationRepository();
std::unique_ptr<ReportRepository> NewMysqlReportRepository();
std::unique_ptr<SurveyRepository> NewMysqlSurveyRepository();
std::unique_ptr<ProjectRepository> NewMysqlProjectRepository();

}  // namespace qpp::demobase
