#pragma once

// The public API as an integrator meets it, for the tests of its contract:
// the real qpp-registry, qpp-training, qpp-demobase and qpp-cultivation on the
// test MariaDB (a schema each, migrated) behind the real qpp-gateway with the
// shipped policy and API keys made for the test. Started once per test binary
// by ApiSystem::Get(); stopped at exit.

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/testing/process.h"
#include "common/testing/test_db.h"
#include "google/protobuf/struct.pb.h"
#include "services/gateway/tests/test_util.h"

namespace qpp::api_test {

// What a shell command printed (stdout and stderr together) and its exit
// status.
struct ShellResult {
  int exit_code = -1;
  std::string output;
};

class ApiSystem final {
 public:
  // The running system, started on first use; null without a test database
  // (QPP_TEST_DB_*), when the tests skip (or fail, under
  // QPP_TEST_REQUIRE_DB=1). `error` says why it is null.
  static ApiSystem* Get(std::string* error);

  ~ApiSystem();

  int http_port() const { return http_port_; }
  int grpc_port() const { return grpc_port_; }
  int registry_port() const { return registry_port_; }
  // The keys of the programme office (every method), of the funding
  // system (its six funding methods) and of an evaluation consumer
  // (GetQualityRecord).
  const std::string& office_key() const { return keys_.at("programme-office"); }
  const std::string& funding_key() const { return keys_.at("finance-funding"); }
  const std::string& evaluation_key() const {
    return keys_.at("procurement-platform");
  }

  // An HTTP request to the gateway, with the office key unless `key` says
  // otherwise ("" for none).
  qpp::gateway::testing::HttpResponse Http(const std::string& method,
                                           const std::string& path,
                                           const std::string& body = "",
                                           const std::string* key = nullptr);

  // Runs `script` with bash in a fresh folder, with GW, GW_GRPC, KEY (the
  // programme office's), FUNDING_KEY and EVALUATION_KEY set as
  // docs/integration.md expects and node_modules/.bin (buf) on PATH.
  ShellResult Shell(const std::string& script) const;

  // The logs of the processes, for failure messages.
  std::string Logs() const;

 private:
  ApiSystem() = default;
  absl::Status Start();

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<testing::TestDatabase> training_db_;
  std::unique_ptr<testing::TestDatabase> demobase_db_;
  std::unique_ptr<testing::TestDatabase> cultivation_db_;
  std::unique_ptr<testing::ChildProcess> registry_;
  std::unique_ptr<testing::ChildProcess> training_;
  std::unique_ptr<testing::ChildProcess> demobase_;
  std::unique_ptr<testing::ChildProcess> cultivation_;
  std::unique_ptr<testing::ChildProcess> gateway_;
  std::string dir_;
  std::map<std::string, std::string> keys_;
  int http_port_ = 0;
  int grpc_port_ = 0;
  int registry_port_ = 0;
  int demobase_port_ = 0;
};

// The contents of a file; empty if it cannot be read.
std::string ReadFile(const std::string& path);

// JSON text as a google.protobuf.Struct; INVALID_ARGUMENT if it is not an
// object.
absl::StatusOr<google::protobuf::Struct> ParseJson(const std::string& json);

// The path to buf (node_modules/.bin/buf), or empty if it is not installed.
std::string BufPath();

}  // namespace qpp::api_test

// In a test: `var` = the running system, or skip (fail under
// QPP_TEST_REQUIRE_DB=1) when it cannot start.
#define QPP_API_SYSTEM_OR_SKIP(var)                                    \
  std::string var##_error;                                             \
  ::qpp::api_test::ApiSystem* var =                                    \
      ::qpp::api_test::ApiSystem::Get(&var##_error);                   \
  if (var == nullptr) {                                                \
    if (::qpp::testing::TestDatabaseRequired()) FAIL() << var##_error; \
    GTEST_SKIP() << "needs the test database: " << var##_error;        \
  }
