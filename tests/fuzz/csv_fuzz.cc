// The command-line tool's CSV reader (bulk imports) on arbitrary files.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "tools/qppctl/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  qpp::qppctl::CsvReader reader(in);
  std::vector<std::string> fields;
  int line = 0;
  int previous_line = 0;
  size_t records = 0;
  while (reader.Next(fields, line)) {
    if (line < previous_line || ++records > size + 1) std::abort();
    previous_line = line;
  }
  return 0;
}
