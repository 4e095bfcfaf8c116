#pragma once

// A small RFC 4180 CSV reader: quoted fields with doubled quotes and line
// breaks inside quotes, CRLF or LF line ends, an optional UTF-8 byte order
// mark. Enough for spreadsheets exported as UTF-8 CSV.

#include <istream>
#include <string>
#include <vector>

namespace qpp::qppctl {

class CsvReader final {
 public:
  explicit CsvReader(std::istream& in) : in_(in) {}

  // Reads the next record into `fields`; false at end of input. `line` is
  // the 1-based line on which the record started.
  bool Next(std::vector<std::string>& fields, int& line);

  // True if a quoted field was still open at end of input.
  bool unterminated_quote() const { return unterminated_; }

 private:
  std::istream& in_;
  int line_ = 1;
  bool first_ = true;
  bool unterminated_ = false;
};

}  // namespace qpp::qppctl
