#include "common/tests/client_test_util.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/context/grpc_request_context.h"
#include "common/status/grpc_status.h"
#include "common/status/status.h"
#include "grpcpp/server_builder.h"

namespace qpp::client::testing {

namespace health = ::grpc::health::v1;

grpc::Status FakeHealth::Check(grpc::ServerContext* context,
                               const health::HealthCheckRequest* request,
                               health::HealthCheckResponse* response) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_ = RequestContextFromServer(*context, trust_);
    ++calls_;
  }
  const std::string& what = request->service();
  if (what == "not-found") {
    return status::ToGrpcStatus(status::WithReason(
        absl::StatusCode::kNotFound, "ORGANIZATION_NOT_FOUND",
        "organizations/914403001922038216 does not exist"));
  }
  if (what == "bad") {
    return status::ToGrpcStatus(
        status::InvalidField("uscc", "must be 18 characters"));
  }
  if (what == "overloaded") {
    return status::ToGrpcStatus(
        status::WithReason(absl::StatusCode::kUnavailable, "SERVER_OVERLOADED",
                           "the server at 10.0.0.7:9100 is overloaded"));
  }
  if (what == "dropped") {
    // What a server answers to a call that reaches it as it shuts down.
    return grpc::Status(grpc::StatusCode::CANCELLED, "CANCELLED");
  }
  if (what == "sleep") {
    const auto until =
        std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!context->IsCancelled() &&
           std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  response->set_status(health::HealthCheckResponse::SERVING);
  return grpc::Status::OK;
}

RequestContext FakeHealth::last() {
  std::lock_guard<std::mutex> lock(mu_);
  return last_;
}

void FakeHealth::set_trust(PrincipalTrust trust) {
  std::lock_guard<std::mutex> lock(mu_);
  trust_ = std::move(trust);
}

int FakeHealth::calls() {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}

FakeServer::FakeServer(std::shared_ptr<grpc::ServerCredentials> credentials) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", std::move(credentials), &port_);
  builder.RegisterService(&service_);
  server_ = builder.BuildAndStart();
}

FakeServer::~FakeServer() {
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now() +
                      std::chrono::seconds(1));
  }
}

std::string FakeServer::address() const {
  return absl::StrCat("127.0.0.1:", port_);
}

double SeriesValue(prometheus::Registry& registry, const std::string& family,
                   const std::map<std::string, std::string>& labels) {
  for (const prometheus::MetricFamily& f : registry.Collect()) {
    if (f.name != family) continue;
    for (const prometheus::ClientMetric& m : f.metric) {
      size_t matched = 0;
      for (const prometheus::ClientMetric::Label& l : m.label) {
        auto it = labels.find(l.name);
        if (it != labels.end() && it->second == l.value) ++matched;
      }
      if (matched != labels.size()) continue;
      return f.type == prometheus::MetricType::Histogram
                 ? static_cast<double>(m.histogram.sample_count)
                 : m.counter.value;
    }
  }
  return -1;
}

bool MakeTestCertificates(const std::string& dir, std::string* log) {
  const std::string script = absl::StrCat(
      "(set -e; cd ", dir,
      "; openssl req -x509 -newkey rsa:2048 -nodes -days 1"
      " -subj /CN=qpp-test-ca -keyout ca.key -out ca.pem"
      "; openssl req -newkey rsa:2048 -nodes -subj /CN=localhost"
      " -addext subjectAltName=DNS:localhost -keyout server.key -out server.csr"
      "; openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key"
      " -CAcreateserial -days 1 -copy_extensions copy -out server.pem"
      "; openssl req -newkey rsa:2048 -nodes -subj /CN=training.qpp"
      " -keyout client.key -out client.csr"
      "; openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key"
      " -CAcreateserial -days 1 -out client.pem) > ",
      dir, "/openssl.log 2>&1");
  const bool ok = std::system(script.c_str()) == 0;
  *log = ReadTextFile(dir + "/openssl.log");
  return ok;
}

std::string ReadTextFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace qpp::client::testing
