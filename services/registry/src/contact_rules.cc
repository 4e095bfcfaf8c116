#include "services/registry/src/contact_rules.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/validation/text.h"

namespace qpp::registry {
namespace {

// The masked fields of a contact: name, phone, e-mail.
struct MaskedFields {
  bool name = false;
  bool phone = false;
  bool email = false;
  bool any() const { return name || phone || email; }
};

MaskedFields MaskedIn(const v1::Contact& c) {
  return {LooksMasked(c.display_name()), LooksMasked(c.phone()),
          LooksMasked(c.email())};
}

// Whether every masked field of `sent` is the mask of `stored`'s value.
bool MasksOf(const v1::Contact& sent, const MaskedFields& masked,
             const v1::Contact& stored) {
  return (!masked.name ||
          validation::MaskName(stored.display_name()) == sent.display_name()) &&
         (!masked.phone ||
          (!stored.phone().empty() &&
           validation::MaskPhone(stored.phone()) == sent.phone())) &&
         (!masked.email ||
          (!stored.email().empty() &&
           validation::MaskEmail(stored.email()) == sent.email()));
}

// Whether `a` and `b` hold the same values in the masked fields.
bool SameValues(const v1::Contact& a, const v1::Contact& b,
                const MaskedFields& masked) {
  return (!masked.name || a.display_name() == b.display_name()) &&
         (!masked.phone || a.phone() == b.phone()) &&
         (!masked.email || a.email() == b.email());
}

}  // namespace

bool LooksMasked(absl::string_view value) {
  return value.find('*') != absl::string_view::npos;
}

void ResolveMaskedContacts(Contacts& contacts, const Contacts& stored,
                           absl::string_view prefix,
                           status::FieldErrors& errors) {
  for (int i = 0; i < contacts.size(); ++i) {
    v1::Contact& sent = contacts[i];
    const MaskedFields masked = MaskedIn(sent);
    if (!masked.any()) continue;
    const std::string field = absl::StrCat(prefix, "contacts[", i, "]");
    const v1::Contact* match = nullptr;
    bool ambiguous = false;
    for (const v1::Contact& candidate : stored) {
      if (!MasksOf(sent, masked, candidate)) continue;
      if (match != nullptr && !SameValues(*match, candidate, masked)) {
        ambiguous = true;
      }
      match = &candidate;
    }
    if (match == nullptr || ambiguous) {
      errors.Add(
          field,
          stored.empty()
              ? "holds a masked value ('*'): send the full name, phone and "
                "e-mail; masked values are never stored"
              : absl::StrCat(
                    "holds a masked value ('*') that ",
                    ambiguous ? "matches several stored contacts"
                              : "is not the mask of a stored contact",
                    ": send the full values, send back a stored contact's "
                    "masks unchanged to keep it, or leave contacts out of "
                    "update_mask; masked values are never stored"));
      continue;
    }
    if (masked.name) sent.set_display_name(match->display_name());
    if (masked.phone) sent.set_phone(match->phone());
    if (masked.email) sent.set_email(match->email());
  }
}

absl::Status ValidateRevealRequest(absl::string_view reason,
                                   int contact_number) {
  status::FieldErrors errors;
  validation::CheckText("reason", reason, 1, kMaxRevealReasonChars, errors);
  if (contact_number < 0) {
    errors.Add("contact_number",
               "must be a contact's 1-based position, or 0 for all");
  }
  return errors.ToStatus();
}

absl::StatusOr<Contacts> SelectContacts(const Contacts& contacts,
                                        int contact_number,
                                        absl::string_view organization_name) {
  if (contact_number == 0) return contacts;
  if (contact_number > contacts.size()) {
    return status::NotFound(
        absl::StrCat(organization_name, "/contacts/", contact_number));
  }
  Contacts one;
  *one.Add() = contacts[contact_number - 1];
  return one;
}

}  // namespace qpp::registry
