#pragma once

// The fixture of the gateway's end-to-end tests: one qpp-gateway process
// per test binary in front of an in-process fake registry, shared by the
// tests of e2e_test.cc, e2e_audit_test.cc and e2e_security_test.cc.

#include <map>
#include <memory>
#include <string>

#include "grpcpp/support/status.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "qpp/registry/v1/resources.pb.h"
#include "services/gateway/tests/fake_registry.h"
#include "services/gateway/tests/gateway_process.h"
#include "services/gateway/tests/test_util.h"

namespace qpp::gateway::testing {

// The registry's service name and an organisation the fake holds.
inline constexpr char kRegistry[] = "qpp.registry.v1.RegistryService";
inline const std::string kOrg = "organizations/91440300MA5F00001X";

class GatewayE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

  // The metadata carrying `principal`'s API key.
  std::multimap<std::string, std::string> Key(const std::string& principal);

  // An HTTP call as `principal` ("" for none), on a new connection.
  HttpResponse Http(const std::string& method, const std::string& path,
                    const std::string& principal, const std::string& body = "",
                    std::map<std::string, std::string> headers = {});

  // GetOrganization over gRPC as `principal`.
  grpc::Status GetOrganization(const std::string& principal,
                               registry::v1::Organization* out,
                               const std::string& name = kOrg);

  // The parsed audit line of the call with `request_id` (a test failure
  // unless there is exactly one, and every line is valid JSON).
  nlohmann::json AuditRecord(const std::string& request_id);

  static int backend_port_;
  static std::unique_ptr<FakeServer> fake_;
  static GatewayProcess* gw_;
};

}  // namespace qpp::gateway::testing
