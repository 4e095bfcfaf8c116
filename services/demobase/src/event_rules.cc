#include "services/demobase/src/event_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/dates/dates.h"
#include "common/resource/names.h"
#include "common/validation/text.h"
#include "services/demobase/src/base_rules.h"

namespace qpp::demobase {
namespace {

const std::vector<std::string>& EventMutableFields() {
  static const auto* fields = new std::vector<std::string>{
      "kind", "topic", "start_time", "end_time", "place", "capacity"};
  return *fields;
}

absl::Status NotScheduled(const EventRecord& event) {
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "EVENT_NOT_SCHEDULED",
      absl::StrCat(EventName(event.base_id, event.id), " is ",
                   v1::EventState_Name(event.state),
                   "; only a scheduled event can change"));
}

}  // namespace

std::string EventName(int64_t base_id, int64_t id) {
  return absl::StrCat("demonstrationBases/", base_id, "/events/", id);
}

absl::StatusOr<EventKey> ParseEventName(absl::string_view name,
                                        absl::string_view field) {
  QPP_ASSIGN_OR_RETURN(
      resource::ChildName child,
      resource::ParseChildName(name, "demonstrationBases", "events", field));
  const std::optional<int64_t> base = ParseId(child.parent);
  const std::optional<int64_t> id = ParseId(child.id);
  if (!base.has_value() || !id.has_value()) {
    return status::InvalidField(
        std::string(field),
        "must be demonstrationBases/{base}/events/{event} with numeric ids");
  }
  return EventKey{*base, *id};
}

absl::StatusOr<int64_t> ParseEventsParent(absl::string_view parent) {
  if (parent == absl::StrCat("demonstrationBases/", resource::kAll)) return 0;
  return ParseBaseName(parent, "parent");
}

void ValidateEvent(const v1::OpenEvent& event, absl::Time now,
                   status::FieldErrors& errors) {
  if (event.kind() == v1::EVENT_KIND_UNSPECIFIED ||
      !v1::EventKind_IsValid(event.kind())) {
    errors.Add("open_event.kind", "is required: OPEN_VISIT or RESULTS_SHARING");
  }
  validation::CheckText("open_event.topic", event.topic(), 1, 200, errors);
  validation::CheckText("open_event.place", event.place(), 1, 200, errors);
  const bool has_start = event.has_start_time();
  const bool has_end = event.has_end_time();
  const absl::Time start = dates::FromTimestamp(event.start_time());
  const absl::Time end = dates::FromTimestamp(event.end_time());
  if (!has_start) {
    errors.Add("open_event.start_time", "is required");
  } else if (start <= now) {
    errors.Add("open_event.start_time", "must be in the future");
  }
  if (!has_end) {
    errors.Add("open_event.end_time", "is required");
  } else if (has_start && end <= start) {
    errors.Add("open_event.end_time", "must be after start_time");
  } else if (has_start && end - start > kMaxEventLength) {
    errors.Add("open_event.end_time",
               "must be at most 7 days after start_time");
  }
  if (event.capacity() < 1 || event.capacity() > 10000) {
    errors.Add("open_event.capacity", "must be 1..10000 people");
  }
}

absl::StatusOr<std::vector<std::string>> EventUpdatePaths(
    const google::protobuf::FieldMask& mask) {
  const auto& allowed = EventMutableFields();
  if (mask.paths().empty()) {
    return status::InvalidField("update_mask",
                                absl::StrCat("name the fields to change: ",
                                             absl::StrJoin(allowed, ", ")));
  }
  std::vector<std::string> paths;
  for (const std::string& path : mask.paths()) {
    if (std::find(allowed.begin(), allowed.end(), path) == allowed.end()) {
      return status::InvalidField(
          "update_mask",
          absl::StrCat("cannot change \"", path, "\"; changeable fields: ",
                       absl::StrJoin(allowed, ", ")));
    }
    paths.push_back(path);
  }
  return paths;
}

EventRecord ApplyEventUpdate(const EventRecord& current,
                             const v1::OpenEvent& patch,
                             const std::vector<std::string>& paths) {
  EventRecord out = current;
  for (const std::string& path : paths) {
    if (path == "kind") out.kind = patch.kind();
    if (path == "topic") out.topic = patch.topic();
    if (path == "start_time") {
      out.start_time = dates::FromTimestamp(patch.start_time());
    }
    if (path == "end_time")
      out.end_time = dates::FromTimestamp(patch.end_time());
    if (path == "place") out.place = patch.place();
    if (path == "capacity") out.capacity = patch.capacity();
  }
  return out;
}

absl::Status CheckScheduled(const EventRecord& event) {
  return event.state == v1::EVENT_STATE_SCHEDULED ? absl::OkStatus()
                                                  : NotScheduled(event);
}

absl::Status CheckNotStarted(const EventRecord& event, absl::Time now) {
  if (event.start_time > now) return absl::OkStatus();
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "EVENT_STARTED",
      absl::StrCat(EventName(event.base_id, event.id),
                   " has already started; registrations and changes are "
                   "closed"));
}

absl::Status CheckStarted(const EventRecord& event, absl::Time now) {
  if (event.start_time <= now) return absl::OkStatus();
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "EVENT_NOT_STARTED",
      absl::StrCat(EventName(event.base_id, event.id),
                   " has not started yet; record it once it took place"));
}

absl::Status CheckCapacity(const EventRecord& event, int32_t capacity) {
  if (capacity >= event.confirmed_headcount) return absl::OkStatus();
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "CAPACITY_BELOW_CONFIRMED",
      absl::StrCat("a capacity of ", capacity, " is below the ",
                   event.confirmed_headcount,
                   " people already confirmed; cancel registrations first"));
}

absl::Status ValidateAttendance(int32_t attendance) {
  if (attendance >= 0 && attendance <= 100000) return absl::OkStatus();
  return status::InvalidField("attendance", "must be 0..100000 people");
}

absl::StatusOr<StartRange> CalendarRange(const type::v1::Date& start_date,
                                         const type::v1::Date& end_date) {
  StartRange range;
  status::FieldErrors errors;
  std::optional<absl::CivilDay> from, to;
  if (dates::IsSet(start_date)) {
    from = dates::ToCivilDay(start_date);
    if (!from.has_value()) errors.Add("start_date", "is not a valid date");
  }
  if (dates::IsSet(end_date)) {
    to = dates::ToCivilDay(end_date);
    if (!to.has_value()) errors.Add("end_date", "is not a valid date");
  }
  if (from.has_value() && to.has_value() && *to < *from) {
    errors.Add("end_date", "must not be before start_date");
  }
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  if (from.has_value()) {
    range.from = absl::FromCivil(absl::CivilSecond(*from), dates::ChinaTime());
  }
  if (to.has_value()) range.to = dates::EndOfDay(*to);
  return range;
}

v1::OpenEvent ToEvent(const EventRecord& r) {
  v1::OpenEvent out;
  out.set_name(EventName(r.base_id, r.id));
  out.set_kind(r.kind);
  out.set_topic(r.topic);
  *out.mutable_start_time() = dates::ToTimestamp(r.start_time);
  *out.mutable_end_time() = dates::ToTimestamp(r.end_time);
  out.set_place(r.place);
  out.set_capacity(r.capacity);
  out.set_confirmed_headcount(r.confirmed_headcount);
  out.set_state(r.state);
  out.set_attendance(r.attendance);
  out.set_cancel_reason(r.cancel_reason);
  out.set_host(resource::OrganizationName(r.host_uscc));
  *out.mutable_create_time() = dates::ToTimestamp(r.create_time);
  *out.mutable_update_time() = dates::ToTimestamp(r.update_time);
  out.set_etag(Etag(r.version));
  return out;
}

}  // namespace qpp::demobase
