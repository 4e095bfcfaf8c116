#pragma once

// Rules of registrations: names, who may register with what headcount,
// the seats check, what may be cancelled, what attendance and feedback may
// be recorded, and masking of the contact. Pure functions; no gRPC, no
// SQL. No function here puts a contact's name or phone into a message.

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/status/status.h"
#include "qpp/demobase/v1/resources.pb.h"
#include "services/demobase/src/event_rules.h"

namespace qpp::demobase {

// A registration as stored: the contact only sealed.
struct RegistrationRecord {
  int64_t id = 0;
  int64_t base_id = 0;
  int64_t event_id = 0;
  v1::VisitorKind visitor_kind = v1::VISITOR_KIND_UNSPECIFIED;
  // Empty for a person.
  std::string organization_uscc;
  std::string contact_name_sealed;
  std::string contact_phone_sealed;
  int32_t headcount = 0;
  v1::RegistrationState state = v1::REGISTRATION_STATE_UNSPECIFIED;
  bool attended = false;
  int32_t feedback_score = 0;
  std::string feedback_comment;
  absl::Time create_time;
  absl::Time update_time;
  int64_t version = 0;
};

// A registration's place: its event and its own id.
struct RegistrationKey {
  EventKey event;
  int64_t id = 0;
};

// Highest feedback score.
inline constexpr int kMaxFeedbackScore = 5;

// "demonstrationBases/{base}/events/{event}/registrations/{id}".
std::string RegistrationName(int64_t base_id, int64_t event_id, int64_t id);

// The key of "demonstrationBases/{base}/events/{event}/registrations/{id}";
// INVALID_ARGUMENT on `field` otherwise.
absl::StatusOr<RegistrationKey> ParseRegistrationName(absl::string_view name,
                                                      absl::string_view field);

// Validates a new registration (paths prefixed "registration."): a visitor
// kind; for a group an organisation `organizations/{uscc}` with a valid
// USCC and a headcount of at least 1, for a person no organisation and a
// headcount of 1; a contact name of 1..50 characters and a valid phone.
// Records violations in `errors`; their descriptions never repeat the
// values.
void ValidateNewRegistration(const v1::Registration& registration,
                             status::FieldErrors& errors);

// Whether `headcount` more people fit into `event`: INVALID_ARGUMENT
// ("registration.headcount") beyond its capacity, FAILED_PRECONDITION
// (NOT_ENOUGH_SEATS) beyond the seats left.
absl::Status CheckSeats(const EventRecord& event, int32_t headcount);

// FAILED_PRECONDITION (ALREADY_CANCELLED) for a cancelled registration.
absl::Status CheckCancellable(const RegistrationRecord& registration);

// Attendance and feedback: INVALID_ARGUMENT for a score outside
// 0..kMaxFeedbackScore, a score without attendance, a comment above 500
// characters or without a score; FAILED_PRECONDITION (NOT_CONFIRMED)
// unless the registration is confirmed.
absl::Status CheckAttendance(const RegistrationRecord& registration,
                             bool attended, int32_t score,
                             absl::string_view comment);

// The registration as the API shows it, with the opened contact masked.
v1::Registration ToRegistration(const RegistrationRecord& record,
                                absl::string_view contact_name,
                                absl::string_view contact_phone);

}  // namespace qpp::demobase
