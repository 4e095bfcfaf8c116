#pragma once

// A fake callee for the client tests: grpc.health.v1.Health on a real
// loopback port, whose Check answers according to the request's `service`
// field and remembers the context it was called with.

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/context/grpc_request_context.h"
#include "common/context/request_context.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "prometheus/registry.h"

namespace qpp::client::testing {

// Check answers by `service`:
//   "not-found"   NOT_FOUND, ErrorInfo reason ORGANIZATION_NOT_FOUND;
//   "bad"         INVALID_ARGUMENT with a BadRequest violation of "uscc";
//   "overloaded"  UNAVAILABLE, reason SERVER_OVERLOADED, with an address in
//                 the message;
//   "dropped"     CANCELLED, as a server stopping answers a new call;
//   "sleep"       OK after 5 s, or as soon as the call is cancelled;
//   anything else SERVING.
class FakeHealth final : public grpc::health::v1::Health::Service {
 public:
  grpc::Status Check(grpc::ServerContext* context,
                     const grpc::health::v1::HealthCheckRequest* request,
                     grpc::health::v1::HealthCheckResponse* response) override;

  // RequestContextFromServer of the last call, read with the trust set by
  // set_trust (default: PrincipalTrust{}).
  RequestContext last();
  int calls();
  void set_trust(PrincipalTrust trust);

 private:
  std::mutex mu_;
  PrincipalTrust trust_;
  RequestContext last_;
  int calls_ = 0;
};

// A FakeHealth served on 127.0.0.1 with `credentials`.
class FakeServer final {
 public:
  explicit FakeServer(std::shared_ptr<grpc::ServerCredentials> credentials =
                          grpc::InsecureServerCredentials());
  ~FakeServer();
  int port() const { return port_; }
  std::string address() const;
  FakeHealth& service() { return service_; }

 private:
  FakeHealth service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

// The value of the series of `family` whose labels include `labels`: a
// counter's value or a histogram's sample count; -1 when there is none.
double SeriesValue(prometheus::Registry& registry, const std::string& family,
                   const std::map<std::string, std::string>& labels);

// Makes a CA, a server certificate for "localhost" and a client certificate
// (ca.pem, server.pem/.key, client.pem/.key) in `dir` with the openssl
// command. False (with the command's output in `log`) if it failed.
bool MakeTestCertificates(const std::string& dir, std::string* log);

// The contents of a file, or "" when it cannot be read.
std::string ReadTextFile(const std::string& path);

}  // namespace qpp::client::testing
