#include "common/config/config.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace qpp::config {

std::string EnvNameOf(absl::string_view flag_name) {
  return absl::StrCat("QPP_", absl::AsciiStrToUpper(flag_name));
}

std::vector<char*> ParseFlags(int argc, char** argv, absl::string_view usage) {
  absl::SetProgramUsageMessage(usage);
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    const char* value = std::getenv(EnvNameOf(name).c_str());
    if (value == nullptr) continue;
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      std::cerr << "invalid value in " << EnvNameOf(name) << ": " << error
                << "\n";
      std::exit(2);
    }
  }
  return absl::ParseCommandLine(argc, argv);
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::FailedPreconditionError(absl::StrCat("cannot read ", path));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

absl::StatusOr<std::string> ReadSecret(absl::string_view env,
                                       const std::string& file) {
  if (!file.empty()) {
    auto value = ReadFile(file);
    if (!value.ok()) return value.status();
    absl::StripTrailingAsciiWhitespace(&*value);
    return value;
  }
  const char* value = std::getenv(std::string(env).c_str());
  return value == nullptr ? std::string() : std::string(value);
}

}  // namespace qpp::config
