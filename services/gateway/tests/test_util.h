#pragma once

// Test and benchmark helpers: a minimal blocking HTTP/1.1 client with
// keep-alive, and a blocking generic gRPC call.

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"

namespace qpp::gateway::testing {

// An HTTP response.
struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

// One keep-alive connection to 127.0.0.1:port; reconnects when the server
// closed it. Responses must carry Content-Length (the gateway's do).
class HttpClient final {
 public:
  explicit HttpClient(int port) : port_(port) {}
  ~HttpClient();

  // Sends a request and reads the response. UNAVAILABLE on a socket error.
  absl::StatusOr<HttpResponse> Send(
      const std::string& method, const std::string& path,
      const std::map<std::string, std::string>& headers = {},
      const std::string& body = "");

 private:
  absl::Status Connect();
  void Close();
  int port_;
  int fd_ = -1;
  std::string buffer_;
};

// Calls `method` with raw request bytes and the given metadata; blocks.
grpc::Status GenericUnaryCall(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
    const std::string& request,
    const std::multimap<std::string, std::string>& metadata,
    std::string* response, int timeout_ms = 5000);

}  // namespace qpp::gateway::testing
