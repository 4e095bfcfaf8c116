#pragma once

// Rules of an organisation's contacts, which are personal data: every
// response shows them masked (names "张*", phones "138****5678", e-mails
// "z***@example.cn"), so a client that reads an organisation and writes it
// back sends masked values. Those must never overwrite what is stored.
//
// The choice: a masked value (any of name, phone or e-mail containing '*',
// which no real name, phone or address of the registry holds) is accepted
// only where it is exactly the mask of a stored value, and then the stored
// value is kept; any other masked-looking value is refused with
// INVALID_ARGUMENT, so nothing masked is ever stored. Plain functions, no
// gRPC and no SQL.

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/status/status.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "qpp/registry/v1/resources.pb.h"

namespace qpp::registry {

using Contacts = google::protobuf::RepeatedPtrField<v1::Contact>;

// Whether `value` looks masked, i.e. contains '*'.
bool LooksMasked(absl::string_view value);

// Replaces the masked values of `contacts` (the caller's input; field paths
// `prefix` + "contacts[i].…") by the stored values they mask. A contact
// with masked fields is matched to the stored contacts whose masks equal
// each of its masked fields; its masked fields then take that stored
// contact's values, and its other fields stay as sent (so a client may
// change a role or a phone and send the name back masked). Records a
// violation in `errors` for a contact that matches no stored contact, or
// several with different values (then the caller must send the full
// values, or leave contacts out of the update mask). With `stored` empty
// (a new organisation) every masked value is refused.
void ResolveMaskedContacts(Contacts& contacts, const Contacts& stored,
                           absl::string_view prefix,
                           status::FieldErrors& errors);

// Longest reason a RevealContacts call may give, in characters.
inline constexpr int kMaxRevealReasonChars = 200;

// Checks a RevealContacts request's `reason` (1..kMaxRevealReasonChars
// characters of text) and `contact_number` (>= 0); INVALID_ARGUMENT with
// field violations otherwise.
absl::Status ValidateRevealRequest(absl::string_view reason,
                                   int contact_number);

// The contacts a reveal answers: all of `contacts` for `contact_number` 0,
// else the one at that 1-based position. NOT_FOUND naming
// `organization_name` if there is no such contact.
absl::StatusOr<Contacts> SelectContacts(const Contacts& contacts,
                                        int contact_number,
                                        absl::string_view organization_name);

}  // namespace qpp::registry
