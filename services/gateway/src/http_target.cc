#include "services/gateway/src/http_target.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/gateway/src/path_template.h"

namespace qpp::gateway {
namespace {

absl::Status Bad(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("bad request target: ", why));
}

// Decodes one path segment or query part and checks the result.
absl::Status CheckDecoded(absl::string_view raw, absl::string_view what,
                          std::string* decoded) {
  if (!PercentDecode(raw, decoded)) {
    return Bad(absl::StrCat("malformed percent-escape in the ", what));
  }
  if (decoded->find('\0') != std::string::npos) {
    return Bad(absl::StrCat("NUL (%00) in the ", what));
  }
  if (!IsValidUtf8(*decoded)) {
    return Bad(absl::StrCat("the ", what, " is not UTF-8 once decoded"));
  }
  return absl::OkStatus();
}

}  // namespace

bool IsValidUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    int n;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      n = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated sequence
    for (int k = 1; k <= n; ++k) {
      const unsigned char cc = s[i + k];
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

absl::Status CheckRequestPath(absl::string_view path) {
  if (path.empty() || path[0] != '/') {
    return Bad("the path must start with '/'");
  }
  for (unsigned char c : path) {
    if (c <= 0x20 || c >= 0x7f) return Bad("unescaped byte in the path");
  }
  std::string decoded;
  for (absl::string_view segment : absl::StrSplit(path.substr(1), '/')) {
    if (absl::Status s = CheckDecoded(segment, "path", &decoded); !s.ok()) {
      return s;
    }
    if (decoded == "." || decoded == "..") return Bad("dot segment in path");
  }
  return absl::OkStatus();
}

absl::Status CheckQuery(absl::string_view query) {
  std::string plus, decoded;
  for (absl::string_view part : absl::StrSplit(query, absl::ByAnyChar("&="))) {
    plus.assign(part.data(), part.size());
    for (char& c : plus) {
      if (c == '+') c = ' ';
    }
    if (absl::Status s = CheckDecoded(plus, "query", &decoded); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace qpp::gateway
