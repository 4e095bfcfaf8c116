#include "services/gateway/src/http_target.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/validation/text.h"
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
  if (!validation::IsValidUtf8(*decoded)) {
    return Bad(absl::StrCat("the ", what, " is not UTF-8 once decoded"));
  }
  return absl::OkStatus();
}

}  // namespace

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
