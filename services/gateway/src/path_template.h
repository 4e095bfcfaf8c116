#pragma once

// google.api.http path templates (the syntax of google/api/http.proto):
//
//   Template = "/" Segments [ Verb ] ;
//   Segments = Segment { "/" Segment } ;
//   Segment  = "*" | "**" | LITERAL | Variable ;
//   Variable = "{" FieldPath [ "=" Segments ] "}" ;
//   Verb     = ":" LITERAL ;
//
// A variable without "=" stands for one segment ("{name}" == "{name=*}").

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qpp::gateway {

// One bound variable of a matched path: the request field path (e.g.
// "organization.name") and its percent-decoded value
// (e.g. "organizations/91440300MA5F00000X").
struct PathBinding {
  std::string field_path;
  std::string value;
};

// A parsed, immutable path template.
class PathTemplate final {
 public:
  // Parses `text`. INVALID_ARGUMENT if it does not follow the grammar above,
  // or if "**" is anywhere but last.
  static absl::StatusOr<PathTemplate> Parse(absl::string_view text);

  // Matches a request path (without query string). Returns true and fills
  // `bindings` (one per variable, in template order) on a match. A raw ':'
  // in the path's last segment starts its verb (a ':' inside a value comes
  // percent-encoded, as http.proto has clients expand variables): the path
  // matches only if the template declares exactly that verb, and a path
  // without a verb only a template without one. A variable's segments may
  // not be empty; percent-escapes are decoded (so "%3A" is a ':' of the
  // value), and a value that decodes to contain "/" does not match.
  bool Match(absl::string_view path, std::vector<PathBinding>* bindings) const;

  // Number of literal segments, used to try more specific templates first.
  int literal_count() const { return literal_count_; }

  // The field paths of the variables, in template order.
  std::vector<std::string> variable_paths() const {
    std::vector<std::string> out;
    for (const Variable& v : variables_) out.push_back(v.field_path);
    return out;
  }

  // The template as written.
  const std::string& text() const { return text_; }

 private:
  enum class Kind { kLiteral, kStar, kDoubleStar };
  struct Segment {
    Kind kind;
    std::string literal;
  };
  struct Variable {
    std::string field_path;
    int begin;  // first segment index
    int end;    // one past the last segment index
  };

  std::string text_;
  std::vector<Segment> segments_;
  std::vector<Variable> variables_;
  std::string verb_;
  int literal_count_ = 0;
};

// Decodes %XX escapes; false on a malformed escape.
bool PercentDecode(absl::string_view in, std::string* out);

}  // namespace qpp::gateway
