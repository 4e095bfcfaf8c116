#include "tools/qppctl/csv.h"

namespace qpp::qppctl {

bool CsvReader::Next(std::vector<std::string>& fields, int& line) {
  fields.clear();
  if (first_) {
    first_ = false;
    // Skip a UTF-8 byte order mark.
    if (in_.peek() == 0xEF) {
      char bom[3];
      in_.read(bom, 3);
      if (!(bom[0] == '\xEF' && bom[1] == '\xBB' && bom[2] == '\xBF')) {
        for (int i = 2; i >= 0; --i) in_.putback(bom[i]);
      }
    }
  }
  line = line_;
  if (in_.peek() == std::char_traits<char>::eof()) return false;
  std::string field;
  bool quoted = false;
  bool any = false;
  int c;
  while ((c = in_.get()) != std::char_traits<char>::eof()) {
    any = true;
    if (quoted) {
      if (c == '"') {
        if (in_.peek() == '"') {
          field.push_back('"');
          in_.get();
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line_;
        field.push_back(static_cast<char>(c));
      }
      continue;
    }
    if (c == '"' && field.empty()) {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\r' && in_.peek() == '\n') {
      continue;
    } else if (c == '\n') {
      ++line_;
      fields.push_back(std::move(field));
      return true;
    } else {
      field.push_back(static_cast<char>(c));
    }
  }
  if (quoted) unterminated_ = true;
  if (any) fields.push_back(std::move(field));
  return any;
}

}  // namespace qpp::qppctl
