#include "common/client/dependency.h"

#include "common/status/status.h"
#include "gtest/gtest.h"

namespace qpp::client {
namespace {

Dependency Training() {
  return {.display_name = "training",
          .subject = "training",
          .consequence = "the certificate cannot be checked",
          .pass_not_found = false};
}

TEST(DependencyError, AnUnreachableDependencyIsUnavailableNamingIt) {
  for (const absl::Status& called :
       {absl::UnavailableError("registry is unavailable; try again later"),
        absl::DeadlineExceededError("registry did not answer in time"),
        absl::ResourceExhaustedError("overloaded")}) {
    const absl::Status s = DependencyError(RegistryDependency(), called);
    EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << called;
    EXPECT_EQ(status::ReasonOf(s), "REGISTRY_UNAVAILABLE");
    EXPECT_EQ(s.message(),
              "the registry is unavailable, so the organisation cannot be "
              "checked; nothing was written; try again later");
  }
  const absl::Status training =
      DependencyError(Training(), absl::UnavailableError("x"));
  EXPECT_EQ(status::ReasonOf(training), "TRAINING_UNAVAILABLE");
  EXPECT_EQ(training.message(),
            "training is unavailable, so the certificate cannot be checked; "
            "nothing was written; try again later");
}

TEST(DependencyError, NotFoundPassesOnlyWhenTheCallerSaysSo) {
  const absl::Status missing = absl::NotFoundError("organizations/X");
  EXPECT_EQ(DependencyError(RegistryDependency(), missing), missing);
  const absl::Status s = DependencyError(Training(), missing);
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(s.message(), "training failed: organizations/X");
}

TEST(DependencyError, OtherFailuresAreInternalAndOkStaysOk) {
  const absl::Status s = DependencyError(
      RegistryDependency(), absl::InvalidArgumentError("name: bad"));
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(status::ReasonOf(s), "INTERNAL");
  EXPECT_EQ(s.message(), "the registry failed: name: bad");
  EXPECT_TRUE(DependencyError(RegistryDependency(), absl::OkStatus()).ok());
}

TEST(DependencyClientOptions, NamedWithShortDeadlines) {
  const ClientOptions o = DependencyClientOptions(RegistryDependency());
  EXPECT_EQ(o.display_name, "registry");
  EXPECT_EQ(o.default_deadline, absl::Seconds(2));
  EXPECT_EQ(o.max_deadline, absl::Seconds(3));
}

}  // namespace
}  // namespace qpp::client
