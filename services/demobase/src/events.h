#pragma once

// Use cases of open events ("demonstrationBases/{base}/events/{event}"):
// open visits and results-sharing events of a base, scheduled → held (with
// the actual attendance) or cancelled (with a reason), and the public
// calendar across bases. Rules: event_rules.h.
//
// Statuses: INVALID_ARGUMENT with field violations for bad input (a start
// in the past, an end before the start, no seats); NOT_FOUND (also for a
// missing base); FAILED_PRECONDITION (BASE_NOT_ACTIVE, EVENT_NOT_SCHEDULED,
// EVENT_STARTED, EVENT_NOT_STARTED, CAPACITY_BELOW_CONFIRMED); ABORTED for
// etag mismatches and conflicts; UNAVAILABLE when the database is
// unreachable.

#include "absl/status/status.h"
#include "qpp/demobase/v1/demobase_service.pb.h"
#include "services/demobase/src/demobase_repository.h"
#include "services/demobase/src/use_case_context.h"

namespace qpp::demobase {

class Events final {
 public:
  // The context and both repositories must outlive this object.
  Events(const UseCaseContext& context, EventRepository& repository,
         BaseRepository& bases);

  // Schedules an event of an active base; idempotent by request_id.
  absl::Status CreateOpenEvent(const v1::CreateOpenEventRequest& req,
                               v1::OpenEvent* resp);
  // One event.
  absl::Status GetOpenEvent(const v1::GetOpenEventRequest& req,
                            v1::OpenEvent* resp);
  // A page of the calendar, by start time.
  absl::Status ListOpenEvents(const v1::ListOpenEventsRequest& req,
                              v1::ListOpenEventsResponse* resp);
  // Changes a scheduled event that has not started.
  absl::Status UpdateOpenEvent(const v1::UpdateOpenEventRequest& req,
                               v1::OpenEvent* resp);
  // Cancels a scheduled event, with a reason.
  absl::Status CancelOpenEvent(const v1::CancelOpenEventRequest& req,
                               v1::OpenEvent* resp);
  // Records that a started, scheduled event was held, with its attendance.
  absl::Status MarkOpenEventHeld(const v1::MarkOpenEventHeldRequest& req,
                                 v1::OpenEvent* resp);

 private:
  // Locks event `key`, applies `change` (which checks and edits the
  // record) and writes it back; the stored event goes to `resp`.
  template <typename Change>
  absl::Status Modify(db::Connection& conn, const EventKey& key,
                      absl::string_view name, absl::Time now, Change&& change,
                      v1::OpenEvent* resp);

  const UseCaseContext context_;
  EventRepository& repository_;
  BaseRepository& bases_;
};

}  // namespace qpp::demobase
