#pragma once

// The fixture of the cultivation and funding end-to-end tests: the real
// binaries of the registry, training, cultivation (which also serves
// qpp.funding.v1.FundingService) and, on request, demobase, each on its own
// test schema, behind the real gateway with the shipped policy and API keys
// for the principals a test names.

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/db/db.h"
#include "common/testing/process.h"
#include "common/testing/service_process.h"
#include "common/testing/test_db.h"
#include "grpcpp/channel.h"
#include "gtest/gtest.h"
#include "services/gateway/tests/test_util.h"

namespace qpp::e2e {

// What a test's system holds.
struct CultivationSystemOptions {
  // Names the schemas ("<name>_registry", "<name>_training", "<name>",
  // "<name>_demobase") and the temporary folder.
  std::string name;
  // Principals of deploy/gateway/policy.json given an API key.
  std::vector<std::string> clients = {"programme-office"};
  // Flags of qpp-cultivation besides the addresses of its dependencies.
  std::vector<std::string> cultivation_args;
  // Whether qpp-demobase runs (else cultivation has no demobase address),
  // and its flags besides the registry's address.
  bool demobase = false;
  std::vector<std::string> demobase_args;
};

// Polls the gateway's /healthz on `http_port` until it answers 200; false
// if it does not within `timeout`.
bool WaitGatewayHealthy(int http_port, absl::Duration timeout);

class CultivationSystemTest : public ::testing::Test {
 protected:
  // Creates the schemas and starts the binaries, then the gateway routing
  // every started service, and waits until each serves. Call from SetUp,
  // then return if HasFatalFailure() or IsSkipped(): without a test
  // database it skips (or fails when one is required).
  void StartSystem(const CultivationSystemOptions& options);

  // Stops the gateway and removes the temporary folder; the services stop
  // with their members.
  void TearDown() override;

  // Starts `binary` on the schema `db` with `args` and waits until
  // `health` is SERVING; null (with a test failure and the binary's log)
  // if it does not.
  static std::unique_ptr<testing::ServiceProcess> StartService(
      const std::string& binary, const db::ConnectionOptions& db,
      const std::string& health, std::vector<std::string> args);

  // An HTTP/JSON call through the gateway with `client`'s key.
  gateway::testing::HttpResponse Http(const std::string& client,
                                      const std::string& method,
                                      const std::string& path,
                                      const std::string& body = "");

  // A fresh channel to the gateway's gRPC listener.
  std::shared_ptr<grpc::Channel> GatewayChannel() const;

  std::unique_ptr<testing::TestDatabase> registry_db_;
  std::unique_ptr<testing::TestDatabase> training_db_;
  std::unique_ptr<testing::TestDatabase> cultivation_db_;
  std::unique_ptr<testing::TestDatabase> demobase_db_;
  std::unique_ptr<testing::ServiceProcess> registry_;
  std::unique_ptr<testing::ServiceProcess> training_;
  std::unique_ptr<testing::ServiceProcess> demobase_;
  std::unique_ptr<testing::ServiceProcess> cultivation_;
  std::unique_ptr<testing::ChildProcess> gateway_;
  std::map<std::string, std::string> keys_;  // client -> API key
  std::filesystem::path dir_;
  int http_port_ = 0;
  int grpc_port_ = 0;
};

}  // namespace qpp::e2e
