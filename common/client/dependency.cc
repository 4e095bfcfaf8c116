#include "common/client/dependency.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status/status.h"

namespace qpp::client {

Dependency RegistryDependency() {
  return {.display_name = "registry",
          .subject = "the registry",
          .consequence = "the organisation cannot be checked"};
}

ClientOptions DependencyClientOptions(const Dependency& dependency) {
  ClientOptions options;
  options.display_name = dependency.display_name;
  options.default_deadline = absl::Seconds(2);
  options.max_deadline = absl::Seconds(3);
  return options;
}

absl::Status DependencyError(const Dependency& dependency,
                             const absl::Status& called) {
  if (called.ok()) return called;
  switch (called.code()) {
    case absl::StatusCode::kNotFound:
      if (dependency.pass_not_found) return called;
      break;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
      return status::WithReason(
          absl::StatusCode::kUnavailable,
          absl::StrCat(absl::AsciiStrToUpper(dependency.display_name),
                       "_UNAVAILABLE"),
          absl::StrCat(dependency.subject, " is unavailable, so ",
                       dependency.consequence,
                       "; nothing was written; try again later"));
    default:
      break;
  }
  return status::WithReason(
      absl::StatusCode::kInternal, "INTERNAL",
      absl::StrCat(dependency.subject, " failed: ", called.message()));
}

}  // namespace qpp::client
