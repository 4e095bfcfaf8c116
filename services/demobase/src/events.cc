#include "services/demobase/src/events.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/dates/dates.h"
#include "common/db/idempotency.h"
#include "common/paging/list_page.h"
#include "common/status/status.h"
#include "common/validation/text.h"
#include "services/demobase/src/base_rules.h"
#include "services/demobase/src/event_rules.h"

namespace qpp::demobase {
namespace {

// A calendar page's key: "<start micros>:<id>".
std::string CursorKey(const EventRecord& e) {
  return absl::StrCat(absl::ToUnixMicros(e.start_time), ":", e.id);
}

absl::StatusOr<std::optional<EventCursor>> ParseCursor(const std::string& key) {
  if (key.empty()) return std::nullopt;
  std::vector<std::string> parts = absl::StrSplit(key, ':');
  int64_t micros = 0, id = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &micros) ||
      !absl::SimpleAtoi(parts[1], &id) || id < 0) {
    return status::InvalidField("page_token", "is not a token of this list");
  }
  return EventCursor{absl::FromUnixMicros(micros), id};
}

}  // namespace

Events::Events(const UseCaseContext& context, EventRepository& repository,
               BaseRepository& bases)
    : context_(context), repository_(repository), bases_(bases) {}

absl::Status Events::CreateOpenEvent(const v1::CreateOpenEventRequest& req,
                                     v1::OpenEvent* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t base_id, ParseBaseName(req.parent(), "parent"));
  const absl::Time now = context_.clock();
  status::FieldErrors errors;
  ValidateEvent(req.open_event(), now, errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  EventRecord record = ApplyEventUpdate(
      EventRecord{}, req.open_event(),
      {"kind", "topic", "start_time", "end_time", "place", "capacity"});
  record.base_id = base_id;
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(auto base, bases_.GetBase(conn, base_id, true));
        if (!base.has_value()) return status::NotFound(req.parent());
        if (base->status != v1::BASE_STATUS_ACTIVE) {
          return status::WithReason(
              absl::StatusCode::kFailedPrecondition, "BASE_NOT_ACTIVE",
              absl::StrCat(req.parent(), " is ",
                           v1::BaseStatus_Name(base->status),
                           " and cannot schedule events"));
        }
        record.host_uscc = base->organization_uscc;
        QPP_ASSIGN_OR_RETURN(int64_t id,
                             repository_.InsertEvent(conn, record, now));
        QPP_ASSIGN_OR_RETURN(auto stored,
                             repository_.GetEvent(conn, base_id, id, false));
        *resp = ToEvent(*stored);
        return absl::OkStatus();
      });
}

absl::Status Events::GetOpenEvent(const v1::GetOpenEventRequest& req,
                                  v1::OpenEvent* resp) {
  QPP_ASSIGN_OR_RETURN(EventKey key, ParseEventName(req.name(), "name"));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  QPP_ASSIGN_OR_RETURN(auto found,
                       repository_.GetEvent(*conn, key.base_id, key.id, false));
  if (!found.has_value()) return status::NotFound(req.name());
  *resp = ToEvent(*found);
  return absl::OkStatus();
}

absl::Status Events::ListOpenEvents(const v1::ListOpenEventsRequest& req,
                                    v1::ListOpenEventsResponse* resp) {
  EventFilter filter;
  QPP_ASSIGN_OR_RETURN(filter.base_id, ParseEventsParent(req.parent()));
  QPP_ASSIGN_OR_RETURN(filter.range,
                       CalendarRange(req.start_date(), req.end_date()));
  if (!v1::EventKind_IsValid(req.kind())) {
    return status::InvalidField("kind", "is not a known kind");
  }
  if (!v1::EventState_IsValid(req.state())) {
    return status::InvalidField("state", "is not a known state");
  }
  filter.kind = req.kind();
  filter.state = req.state();
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<EventRecord>> {
            QPP_ASSIGN_OR_RETURN(std::optional<EventCursor> cursor,
                                 ParseCursor(after));
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            return repository_.ListEvents(*conn, filter, cursor, limit);
          },
          CursorKey));
  resp->set_next_page_token(page.next_page_token);
  for (const EventRecord& e : page.rows) *resp->add_open_events() = ToEvent(e);
  return absl::OkStatus();
}

template <typename Change>
absl::Status Events::Modify(db::Connection& conn, const EventKey& key,
                            absl::string_view name, absl::Time now,
                            Change&& change, v1::OpenEvent* resp) {
  QPP_ASSIGN_OR_RETURN(auto found,
                       repository_.GetEvent(conn, key.base_id, key.id, true));
  if (!found.has_value()) return status::NotFound(name);
  EventRecord updated = *found;
  QPP_RETURN_IF_ERROR(change(updated));
  QPP_ASSIGN_OR_RETURN(bool written, repository_.UpdateEvent(
                                         conn, updated, found->version, now));
  if (!written) return status::ConcurrentUpdate("the event");
  QPP_ASSIGN_OR_RETURN(auto stored,
                       repository_.GetEvent(conn, key.base_id, key.id, false));
  *resp = ToEvent(*stored);
  return absl::OkStatus();
}

absl::Status Events::UpdateOpenEvent(const v1::UpdateOpenEventRequest& req,
                                     v1::OpenEvent* resp) {
  const v1::OpenEvent& patch = req.open_event();
  QPP_ASSIGN_OR_RETURN(EventKey key,
                       ParseEventName(patch.name(), "open_event.name"));
  QPP_ASSIGN_OR_RETURN(std::vector<std::string> paths,
                       EventUpdatePaths(req.update_mask()));
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        return Modify(
            conn, key, patch.name(), now,
            [&](EventRecord& event) -> absl::Status {
              QPP_RETURN_IF_ERROR(status::CheckEtag(
                  patch.etag(), Etag(event.version), "the event"));
              QPP_RETURN_IF_ERROR(CheckScheduled(event));
              QPP_RETURN_IF_ERROR(CheckNotStarted(event, now));
              event = ApplyEventUpdate(event, patch, paths);
              status::FieldErrors errors;
              ValidateEvent(ToEvent(event), now, errors);
              QPP_RETURN_IF_ERROR(errors.ToStatus());
              return CheckCapacity(event, event.capacity);
            },
            resp);
      });
}

absl::Status Events::CancelOpenEvent(const v1::CancelOpenEventRequest& req,
                                     v1::OpenEvent* resp) {
  QPP_ASSIGN_OR_RETURN(EventKey key, ParseEventName(req.name(), "name"));
  status::FieldErrors errors;
  validation::CheckText("reason", req.reason(), 1, 500, errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  const absl::Time now = context_.clock();
  return db::RunIdempotent(context_.pool, req.request_id(), req, resp,
                           [&](db::Connection& conn) -> absl::Status {
                             return Modify(
                                 conn, key, req.name(), now,
                                 [&](EventRecord& event) -> absl::Status {
                                   QPP_RETURN_IF_ERROR(CheckScheduled(event));
                                   event.state = v1::EVENT_STATE_CANCELLED;
                                   event.cancel_reason = req.reason();
                                   return absl::OkStatus();
                                 },
                                 resp);
                           });
}

absl::Status Events::MarkOpenEventHeld(const v1::MarkOpenEventHeldRequest& req,
                                       v1::OpenEvent* resp) {
  QPP_ASSIGN_OR_RETURN(EventKey key, ParseEventName(req.name(), "name"));
  QPP_RETURN_IF_ERROR(ValidateAttendance(req.attendance()));
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        return Modify(
            conn, key, req.name(), now,
            [&](EventRecord& event) -> absl::Status {
              QPP_RETURN_IF_ERROR(CheckScheduled(event));
              QPP_RETURN_IF_ERROR(CheckStarted(event, now));
              event.state = v1::EVENT_STATE_HELD;
              event.attendance = req.attendance();
              return absl::OkStatus();
            },
            resp);
      });
}

}  // namespace qpp::demobase
