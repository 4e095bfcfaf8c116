#pragma once

// The fixture of the cross-service end-to-end tests: the real qpp-registry
// and qpp-training binaries, each on a MariaDB schema of its own (training
// asking the registry), and the real qpp-gateway in front of both, started
// once per test binary. The tests skip unless QPP_TEST_DB_* name
// a database server (tests/run.sh starts one), and fail instead when
// QPP_TEST_REQUIRE_DB=1.

#include <map>
#include <string>
#include <vector>

#include "common/testing/process.h"
#include "gtest/gtest.h"
#include "services/gateway/tests/gateway_process.h"
#include "services/gateway/tests/test_util.h"

namespace qpp::e2e {

// A valid USCC with the given 8-digit serial (GB 32100-2015 check character).
std::string MakeUscc(int serial);

class GatewayRegistryE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  // Starts (again) the registry on registry_port_.
  static void StartRegistry();

  // Skips or fails without a database; waits until the gateway serves.
  void SetUp() override;

  // The metadata carrying `principal`'s API key.
  std::multimap<std::string, std::string> Key(const std::string& principal);

  // An HTTP call as `principal`, on a new connection.
  gateway::testing::HttpResponse Http(
      const std::string& method, const std::string& path,
      const std::string& principal, const std::string& body = "",
      std::map<std::string, std::string> headers = {});

  static std::vector<std::string> registry_args_;
  static std::map<std::string, std::string> registry_env_;
  static int registry_port_;
  static qpp::testing::ChildProcess* registry_;
  static int training_port_;
  static qpp::testing::ChildProcess* training_;
  static gateway::testing::GatewayProcess* gw_;
};

}  // namespace qpp::e2e
