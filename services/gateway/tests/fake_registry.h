#pragma once

// A test-only, in-memory stand-in for qpp.registry.v1.RegistryService:
// enough of it to exercise the gateway (and to measure the gateway without
// a database in the benchmark). Not a registry: it validates nothing but
// the presence of names.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "grpcpp/server.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"

namespace qpp::gateway::testing {

// Serves GetOrganization, ListOrganizations, CreateOrganization,
// GetTargetCounts and ImportOrganizations (client streaming) from memory.
// A request with metadata "x-fake-sleep-ms: N" is answered after N ms
// (without blocking a gRPC thread). Other methods answer UNIMPLEMENTED.
class FakeRegistry final
    : public registry::v1::RegistryService::CallbackService {
 public:
  FakeRegistry();

  grpc::ServerUnaryReactor* GetOrganization(
      grpc::CallbackServerContext* ctx,
      const registry::v1::GetOrganizationRequest* request,
      registry::v1::Organization* response) override;
  grpc::ServerUnaryReactor* ListOrganizations(
      grpc::CallbackServerContext* ctx,
      const registry::v1::ListOrganizationsRequest* request,
      registry::v1::ListOrganizationsResponse* response) override;
  grpc::ServerUnaryReactor* CreateOrganization(
      grpc::CallbackServerContext* ctx,
      const registry::v1::CreateOrganizationRequest* request,
      registry::v1::Organization* response) override;
  grpc::ServerUnaryReactor* GetTargetCounts(
      grpc::CallbackServerContext* ctx,
      const registry::v1::GetTargetCountsRequest* request,
      registry::v1::TargetCounts* response) override;
  grpc::ServerReadReactor<registry::v1::ImportOrganizationsRequest>*
  ImportOrganizations(
      grpc::CallbackServerContext* ctx,
      registry::v1::ImportOrganizationsResponse* response) override;

  // Metadata of the last call.
  std::string last_principal();
  std::string last_request_id();
  std::string last_api_key();  // must stay empty: the gateway strips it
  // Every value of metadata `key` on the last call, in order.
  std::vector<std::string> last_values(const std::string& key);
  // The metadata keys of the last call.
  std::set<std::string> last_metadata_keys();
  int calls() const { return calls_.load(); }

 private:
  void Remember(grpc::CallbackServerContext* ctx);
  grpc::ServerUnaryReactor* Answer(grpc::CallbackServerContext* ctx,
                                   grpc::Status status);

  std::mutex mu_;
  std::map<std::string, registry::v1::Organization> organizations_;
  std::string last_principal_, last_request_id_, last_api_key_;
  std::multimap<std::string, std::string> last_metadata_;
  std::set<std::string> last_metadata_keys_;
  std::atomic<int> calls_{0};
};

// A running fake on 127.0.0.1 (port 0 picks one) with the health service
// reporting SERVING.
struct FakeServer {
  std::unique_ptr<FakeRegistry> service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
};
std::unique_ptr<FakeServer> StartFakeRegistry(int port = 0);

// A well-formed organisation used by the fakes and tests.
registry::v1::Organization SampleOrganization(const std::string& uscc);

}  // namespace qpp::gateway::testing
