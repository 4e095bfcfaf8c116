#include "services/gateway/src/path_template.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace qpp::gateway {
namespace {

bool IsIdent(absl::string_view s) {
  if (s.empty()) return false;
  if (!absl::ascii_isalpha(s[0]) && s[0] != '_') return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(c) && c != '_') return false;
  }
  return true;
}

bool IsFieldPath(absl::string_view s) {
  for (absl::string_view part : absl::StrSplit(s, '.')) {
    if (!IsIdent(part)) return false;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool PercentDecode(absl::string_view in, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out->push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    const int hi = HexValue(in[i + 1]);
    const int lo = HexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

absl::StatusOr<PathTemplate> PathTemplate::Parse(absl::string_view text) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("path template \"", text, "\": ", why));
  };
  if (text.empty() || text[0] != '/') return bad("must start with '/'");
  PathTemplate t;
  t.text_ = std::string(text);
  absl::string_view rest = text.substr(1);

  // The verb is a ':' after the last '/' outside braces.
  size_t depth = 0, verb_pos = absl::string_view::npos;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '{') ++depth;
    if (rest[i] == '}') {
      if (depth == 0) return bad("unbalanced '}'");
      --depth;
    }
    if (depth == 0 && rest[i] == '/') verb_pos = absl::string_view::npos;
    if (depth == 0 && rest[i] == ':') verb_pos = i;
  }
  if (depth != 0) return bad("unbalanced '{'");
  if (verb_pos != absl::string_view::npos) {
    t.verb_ = std::string(rest.substr(verb_pos + 1));
    if (t.verb_.empty()) return bad("empty verb");
    rest = rest.substr(0, verb_pos);
  }

  // Split on '/' outside braces.
  std::vector<absl::string_view> parts;
  depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= rest.size(); ++i) {
    if (i == rest.size() || (depth == 0 && rest[i] == '/')) {
      parts.push_back(rest.substr(start, i - start));
      start = i + 1;
      continue;
    }
    if (rest[i] == '{') ++depth;
    if (rest[i] == '}') --depth;
  }

  auto add_plain = [&](absl::string_view seg) -> absl::Status {
    if (seg.empty()) return bad("empty segment");
    if (seg == "*") {
      t.segments_.push_back({Kind::kStar, ""});
    } else if (seg == "**") {
      t.segments_.push_back({Kind::kDoubleStar, ""});
    } else {
      if (seg.find_first_of("{}*=") != absl::string_view::npos) {
        return bad(absl::StrCat("bad literal \"", seg, "\""));
      }
      t.segments_.push_back({Kind::kLiteral, std::string(seg)});
      ++t.literal_count_;
    }
    return absl::OkStatus();
  };

  for (absl::string_view part : parts) {
    if (!part.empty() && part.front() == '{') {
      if (part.back() != '}') return bad("variable must be a whole segment");
      absl::string_view inner = part.substr(1, part.size() - 2);
      Variable v;
      size_t eq = inner.find('=');
      absl::string_view field = inner.substr(0, eq);
      if (!IsFieldPath(field)) return bad("bad variable field path");
      v.field_path = std::string(field);
      v.begin = static_cast<int>(t.segments_.size());
      if (eq == absl::string_view::npos) {
        t.segments_.push_back({Kind::kStar, ""});
      } else {
        absl::string_view sub = inner.substr(eq + 1);
        if (sub.empty()) return bad("empty variable pattern");
        for (absl::string_view seg : absl::StrSplit(sub, '/')) {
          if (absl::Status s = add_plain(seg); !s.ok()) return s;
        }
      }
      v.end = static_cast<int>(t.segments_.size());
      t.variables_.push_back(std::move(v));
    } else {
      if (absl::Status s = add_plain(part); !s.ok()) return s;
    }
  }
  for (size_t i = 0; i + 1 < t.segments_.size(); ++i) {
    if (t.segments_[i].kind == Kind::kDoubleStar) {
      return bad("'**' must be the last segment");
    }
  }
  return t;
}

bool PathTemplate::Match(absl::string_view path,
                         std::vector<PathBinding>* bindings) const {
  if (path.empty() || path[0] != '/') return false;
  absl::string_view rest = path.substr(1);
  // By http.proto a client percent-encodes a ':' inside a variable's value
  // (%3A), so a raw ':' in the last segment starts the path's verb. A
  // template matches only a path with its own verb, and a template without
  // one only a path without one: "/v1/rounds/5:compare" is not
  // GetRound("rounds/5:compare"), whatever order the routes are tried in.
  const size_t last_slash = rest.rfind('/');
  const size_t colon = rest.find(
      ':', last_slash == absl::string_view::npos ? 0 : last_slash + 1);
  if (colon == absl::string_view::npos) {
    if (!verb_.empty()) return false;
  } else {
    if (verb_.empty() || rest.substr(colon + 1) != verb_) return false;
    rest = rest.substr(0, colon);
  }
  std::vector<absl::string_view> segs = absl::StrSplit(rest, '/');
  const bool ends_with_double_star =
      !segments_.empty() && segments_.back().kind == Kind::kDoubleStar;
  if (ends_with_double_star) {
    if (segs.size() < segments_.size()) return false;
  } else if (segs.size() != segments_.size()) {
    return false;
  }
  for (size_t i = 0; i < segments_.size(); ++i) {
    const Segment& s = segments_[i];
    if (s.kind == Kind::kLiteral) {
      if (segs[i] != s.literal) return false;
    } else if (s.kind == Kind::kStar) {
      if (segs[i].empty()) return false;
    } else {
      for (size_t j = i; j < segs.size(); ++j) {
        if (segs[j].empty()) return false;
      }
    }
  }
  if (bindings == nullptr) return true;
  bindings->clear();
  for (const Variable& v : variables_) {
    const bool open_end =
        ends_with_double_star && v.end == static_cast<int>(segments_.size());
    const size_t end = open_end ? segs.size() : static_cast<size_t>(v.end);
    std::vector<std::string> decoded;
    for (size_t j = v.begin; j < end; ++j) {
      std::string d;
      if (!PercentDecode(segs[j], &d)) return false;
      // An escaped '/' may not smuggle extra segments into a variable.
      if (d.find('/') != std::string::npos) return false;
      decoded.push_back(std::move(d));
    }
    bindings->push_back({v.field_path, absl::StrJoin(decoded, "/")});
  }
  return true;
}

}  // namespace qpp::gateway
