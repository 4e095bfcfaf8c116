#include "common/validation/text.h"

#include "absl/strings/str_cat.h"

namespace qpp::validation {
namespace {

// Length of the UTF-8 sequence starting at s[i], or 0 if malformed.
size_t SequenceLength(absl::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

// Byte offset of the end of the first `chars` code points of valid UTF-8.
size_t PrefixBytes(absl::string_view s, size_t chars) {
  size_t i = 0;
  for (size_t c = 0; c < chars && i < s.size(); ++c) {
    const size_t n = SequenceLength(s, i);
    i += n == 0 ? 1 : n;
  }
  return i;
}

}  // namespace

bool IsValidUtf8(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

size_t Utf8Length(absl::string_view s) {
  size_t count = 0;
  for (unsigned char c : s) count += (c & 0xC0) != 0x80;
  return count;
}

bool CheckText(absl::string_view field, absl::string_view value,
               size_t min_chars, size_t max_chars,
               status::FieldErrors& errors) {
  if (!IsValidUtf8(value)) {
    errors.Add(std::string(field), "is not valid UTF-8 text");
    return false;
  }
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7F) {
      errors.Add(std::string(field), "must not contain control characters");
      return false;
    }
  }
  const size_t len = Utf8Length(value);
  if (len < min_chars) {
    errors.Add(std::string(field),
               min_chars == 1 ? "is required"
                              : absl::StrCat("must be at least ", min_chars,
                                             " characters"));
    return false;
  }
  if (len > max_chars) {
    errors.Add(std::string(field), absl::StrCat("must be at most ", max_chars,
                                                " characters, got ", len));
    return false;
  }
  return true;
}

std::string MaskName(absl::string_view name) {
  if (name.empty()) return {};
  const size_t first = PrefixBytes(name, 1);
  const size_t rest = Utf8Length(name.substr(first));
  return absl::StrCat(name.substr(0, first), std::string(rest, '*'));
}

namespace {

// Keeps the first `head` and last `tail` characters of `s` and stars the
// rest, counting characters, not bytes, so that the result is valid UTF-8
// whenever `s` is (the values masked are validated ASCII, but a masker must
// never be the one to break a string). Invalid UTF-8 is starred whole.
std::string KeepEnds(absl::string_view s, size_t head, size_t tail) {
  if (!IsValidUtf8(s)) return std::string(s.size(), '*');
  const size_t chars = Utf8Length(s);
  if (head + tail >= chars) return std::string(chars, '*');
  const size_t head_bytes = PrefixBytes(s, head);
  const size_t tail_start = PrefixBytes(s, chars - tail);
  return absl::StrCat(s.substr(0, head_bytes),
                      std::string(chars - head - tail, '*'),
                      s.substr(tail_start));
}

}  // namespace

std::string MaskPhone(absl::string_view phone) {
  const size_t chars = Utf8Length(phone);
  if (chars >= 11) return KeepEnds(phone, 3, 4);
  if (chars <= 2) return std::string(chars, '*');
  return KeepEnds(phone, 0, 2);
}

std::string MaskEmail(absl::string_view email) {
  const size_t at = email.find('@');
  if (at == absl::string_view::npos || at == 0) return "***";
  return absl::StrCat(email.substr(0, PrefixBytes(email, 1)), "***",
                      email.substr(at));
}

std::string MaskIdNumber(absl::string_view id) {
  if (Utf8Length(id) < 8) return std::string(Utf8Length(id), '*');
  return KeepEnds(id, 3, 4);
}

}  // namespace qpp::validation
