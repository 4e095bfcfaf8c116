#pragma once

// End-to-end support: the real qpp-gateway binary started on free ports in
// front of a backend, with API keys for principals of the shipped policy
// and a test-only reader of organisations. Used by the gateway's own end-to-end
// tests (a fake backend) and by the cross-service tests of tests/e2e (the real
// registry).

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/testing/process.h"
#include "grpcpp/channel.h"

namespace qpp::gateway::testing {

// The whole content of a file, "" if it cannot be read.
std::string ReadFile(const std::string& path);

// A started gateway: its ports, keys, audit directory and process.
struct GatewayProcess {
  int grpc_port = 0;
  int http_port = 0;
  int metrics_port = 0;
  std::filesystem::path dir;
  std::map<std::string, std::string> keys;  // principal -> key
  std::unique_ptr<qpp::testing::ChildProcess> process;
  std::shared_ptr<grpc::Channel> channel;

  // Whether the gateway's health service answers SERVING.
  bool Serving() const;

  // Waits up to `timeout_ms` for Serving() to become `want`.
  bool WaitServing(bool want, int timeout_ms) const;

  // Every line of every audit file, in file order.
  std::vector<std::string> AuditLines() const;
};

// A principal the tests add to the shipped policy: a city-wide reader of
// organisations (GetOrganization, BatchGetOrganizations, ListOrganizations,
// ListOrganizationChanges) and nothing else, as no shipped role is one. The
// second is the same reader by client certificate (common name
// "registry-reader.test").
inline constexpr char kRegistryReader[] = "registry-reader";
inline constexpr char kRegistryReaderCertificate[] =
    "cert:registry-reader.test";

// Starts qpp-gateway routing qpp.registry.v1.RegistryService to
// `backend_port`, with a key for the principals programme-office,
// district-440304, district-440305, finance-funding, procurement-platform,
// public-portal and ops of the shipped policy, plus "limited" (programme
// office rights, 2 calls/s, burst 3) and kRegistryReader. `name` tells the
// temporary directories of concurrent gateways apart. Null (with a test
// failure) if the binary cannot be started. `more_backends` routes further
// services ("<package.Service>" -> port).
std::unique_ptr<GatewayProcess> StartGateway(
    int backend_port, const std::string& name,
    const std::map<std::string, int>& more_backends = {});

}  // namespace qpp::gateway::testing
