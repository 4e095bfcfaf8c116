#pragma once

// Checks that hold whatever backend serves the registry behind a gateway
// (the fake of the gateway's own tests or the real registry of tests/e2e):
// authorisation, rate limiting, bad input.

#include <map>
#include <string>

#include "services/gateway/tests/gateway_process.h"
#include "services/gateway/tests/test_util.h"

namespace qpp::gateway::testing {

// The checks against a running gateway `gw` (not owned) whose registry
// backend is up. Each records test failures; none returns a value.
struct GatewayChecks {
  GatewayProcess* gw;

  // The metadata carrying `principal`'s API key.
  std::multimap<std::string, std::string> Key(const std::string& principal);

  // An HTTP call as `principal` ("" for none), on a new connection.
  HttpResponse Http(const std::string& method, const std::string& path,
                    const std::string& principal, const std::string& body = "",
                    std::map<std::string, std::string> headers = {});

  // Every default role against a representative method of each kind.
  void AuthorisationMatrix();

  // The "limited" principal (2 calls/s, burst 3) gets 429 with retry
  // information, then is served again.
  void RateLimit();

  // Malformed JSON, unknown fields, wrong types, oversized bodies, bad
  // paths: 4xx with a google.rpc.Status body, and never a crash.
  void BadInput();
};

}  // namespace qpp::gateway::testing
