#pragma once

// End-to-end support: the real qpp-gateway binary started on free ports in
// front of a backend, with an API key for every principal of the shipped
// policy. Used by the gateway's own end-to-end tests (a fake backend) and by
// the cross-service tests of tests/e2e (the real registry).

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

// Starts qpp-gateway routing qpp.registry.v1.RegistryService to
// `backend_port`, with a key for every principal of the shipped policy plus
// "limited" (programme office rights, 2 calls/s, burst 3). `name` tells the
// temporary directories of concurrent gateways apart. Null (with a test
// failure) if the binary cannot be started. `more_backends` routes further
// services ("<package.Service>" -> port).
std::unique_ptr<GatewayProcess> StartGateway(
    int backend_port, const std::string& name,
    const std::map<std::string, int>& more_backends = {});

}  // namespace qpp::gateway::testing
