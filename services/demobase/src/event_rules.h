#pragma once

// Rules of open events: names, the fields an event must have (times in the
// future, end after start, seats), what an update may change, which state
// allows which step, and the calendar's range of days. Pure functions; no
// gRPC, no SQL.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/status/status.h"
#include "google/protobuf/field_mask.pb.h"
#include "qpp/demobase/v1/resources.pb.h"
#include "qpp/type/v1/date.pb.h"

namespace qpp::demobase {

// An event as stored, with its base's organisation.
struct EventRecord {
  int64_t id = 0;
  int64_t base_id = 0;
  std::string host_uscc;
  v1::EventKind kind = v1::EVENT_KIND_UNSPECIFIED;
  std::string topic;
  absl::Time start_time;
  absl::Time end_time;
  std::string place;
  int32_t capacity = 0;
  int32_t confirmed_headcount = 0;
  v1::EventState state = v1::EVENT_STATE_UNSPECIFIED;
  int32_t attendance = 0;
  std::string cancel_reason;
  absl::Time create_time;
  absl::Time update_time;
  int64_t version = 0;
};

// An event's place: its base and its own id.
struct EventKey {
  int64_t base_id = 0;
  int64_t id = 0;
};

// The start times a calendar lists: [from, to); unset ends are open.
struct StartRange {
  std::optional<absl::Time> from;
  std::optional<absl::Time> to;
};

// Longest event: a week.
inline constexpr absl::Duration kMaxEventLength = absl::Hours(24 * 7);

// "demonstrationBases/{base}/events/{id}".
std::string EventName(int64_t base_id, int64_t id);

// The key of "demonstrationBases/{base}/events/{id}"; INVALID_ARGUMENT on
// `field` unless both ids are positive decimal numbers.
absl::StatusOr<EventKey> ParseEventName(absl::string_view name,
                                        absl::string_view field);

// The base of a List's parent "demonstrationBases/{base}", or 0 for
// "demonstrationBases/-" (every base); INVALID_ARGUMENT ("parent")
// otherwise.
absl::StatusOr<int64_t> ParseEventsParent(absl::string_view parent);

// Validates a whole event (paths prefixed "open_event."): a kind, topic and
// place 1..200 characters, a start after `now`, an end after the start and
// at most kMaxEventLength later, capacity 1..10000. Records violations in
// `errors`.
void ValidateEvent(const v1::OpenEvent& event, absl::Time now,
                   status::FieldErrors& errors);

// The fields an update mask names, each one an event may change (kind,
// topic, start_time, end_time, place, capacity). INVALID_ARGUMENT
// ("update_mask") otherwise.
absl::StatusOr<std::vector<std::string>> EventUpdatePaths(
    const google::protobuf::FieldMask& mask);

// `current` with the fields `paths` taken from `patch`.
EventRecord ApplyEventUpdate(const EventRecord& current,
                             const v1::OpenEvent& patch,
                             const std::vector<std::string>& paths);

// FAILED_PRECONDITION (EVENT_NOT_SCHEDULED) unless the event is scheduled.
absl::Status CheckScheduled(const EventRecord& event);

// FAILED_PRECONDITION (EVENT_STARTED) if the event started by `now`.
absl::Status CheckNotStarted(const EventRecord& event, absl::Time now);

// FAILED_PRECONDITION (EVENT_NOT_STARTED) if the event starts after `now`.
absl::Status CheckStarted(const EventRecord& event, absl::Time now);

// FAILED_PRECONDITION (CAPACITY_BELOW_CONFIRMED) if `capacity` is below
// the confirmed headcount.
absl::Status CheckCapacity(const EventRecord& event, int32_t capacity);

// INVALID_ARGUMENT unless 0 <= attendance <= 100000.
absl::Status ValidateAttendance(int32_t attendance);

// The start times between the days `start_date` and `end_date` (both
// inclusive, Asia/Shanghai; unset for open ends). INVALID_ARGUMENT for an
// invalid day or an end before the start.
absl::StatusOr<StartRange> CalendarRange(const type::v1::Date& start_date,
                                         const type::v1::Date& end_date);

// The event as the API shows it.
v1::OpenEvent ToEvent(const EventRecord& record);

}  // namespace qpp::demobase
