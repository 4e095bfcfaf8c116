// gRPC server reflection through the gateway, with buf curl as integrators
// use it: only for callers with a key, and every service it lists resolves.

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/api/api_system.h"

namespace qpp::api_test {
namespace {

// `buf curl` with `args`, through bash (so that failures print).
ShellResult BufCurl(const ApiSystem& system, const std::string& args) {
  return system.Shell(absl::StrCat(
      "buf curl --protocol grpc --http2-prior-knowledge ", args, "\n"));
}

class Reflection : public ::testing::Test {
 protected:
  void SetUp() override {
    if (BufPath().empty()) {
      if (qpp::testing::TestDatabaseRequired()) {
        FAIL() << "buf is not installed: run deploy/local/install-deps.sh";
      }
      GTEST_SKIP() << "buf is not installed (deploy/local/install-deps.sh)";
    }
  }
};

TEST_F(Reflection, WithoutAKeyItIsRefused) {
  QPP_API_SYSTEM_OR_SKIP(system);
  for (const char* protocol : {"grpc-v1", "grpc-v1alpha"}) {
    ShellResult r =
        BufCurl(*system, absl::StrCat("--reflect-protocol ", protocol,
                                      " --list-services http://$GW_GRPC"));
    EXPECT_NE(r.exit_code, 0) << r.output;
    // buf curl words the gateway's UNAUTHENTICATED as "you are not
    // authenticated".
    EXPECT_TRUE(absl::StrContains(r.output, "authenticated")) << r.output;
  }
}

TEST_F(Reflection, WithAKeyItListsAndResolvesEveryService) {
  QPP_API_SYSTEM_OR_SKIP(system);
  // --list-methods resolves each listed service's descriptor.
  ShellResult r = BufCurl(*system,
                          "--reflect-header \"x-api-key: $KEY\" "
                          "--list-methods http://$GW_GRPC");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* method :
       {"qpp.registry.v1.RegistryService/GetOrganization",
        "qpp.registry.v1.RegistryService/ImportOrganizations",
        "qpp.gateway.v1.ProgressService/GetProgrammeProgress",
        "grpc.health.v1.Health/Check",
        "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"}) {
    EXPECT_TRUE(absl::StrContains(r.output, method)) << method << r.output;
  }
}

TEST_F(Reflection, EveryRoleMayDescribeTheApi) {
  QPP_API_SYSTEM_OR_SKIP(system);
  ShellResult r = BufCurl(
      *system,
      absl::StrCat("--reflect-header \"x-api-key: ", system->funding_key(),
                   "\" --list-services http://$GW_GRPC"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(absl::StrContains(r.output, "qpp.registry.v1.RegistryService"));
}

TEST_F(Reflection, TheRegistryDescribesItsHealthServiceToo) {
  QPP_API_SYSTEM_OR_SKIP(system);
  // Called directly, as operators do; it once listed grpc.health.v1.Health
  // without being able to describe it.
  ShellResult r =
      BufCurl(*system, absl::StrCat("--list-methods http://127.0.0.1:",
                                    system->registry_port()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(absl::StrContains(r.output, "grpc.health.v1.Health/Check"))
      << r.output;
}

}  // namespace
}  // namespace qpp::api_test
