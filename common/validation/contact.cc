#include "common/validation/contact.h"

#include "absl/strings/ascii.h"

namespace qpp::validation {

bool IsValidPhone(absl::string_view phone) {
  if (phone.size() == 11 && phone[0] == '1' && phone[1] >= '3') {
    bool digits_only = true;
    for (char c : phone) digits_only = digits_only && absl::ascii_isdigit(c);
    if (digits_only) return true;  // mobile
  }
  if (phone.size() < 7 || phone.size() > 20 || phone[0] == '-') return false;
  int digits = 0;
  for (char c : phone) {
    if (absl::ascii_isdigit(c)) {
      ++digits;
    } else if (c != '-') {
      return false;
    }
  }
  return digits >= 7;
}

bool IsValidEmail(absl::string_view email) {
  const size_t at = email.find('@');
  if (at == 0 || at == absl::string_view::npos || email.size() > 100) {
    return false;
  }
  absl::string_view domain = email.substr(at + 1);
  if (domain.find('.') == absl::string_view::npos || domain.front() == '.' ||
      domain.back() == '.' || domain.find('@') != absl::string_view::npos) {
    return false;
  }
  for (char c : email) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return false;
  }
  return true;
}

}  // namespace qpp::validation
