#include "services/gateway/tests/fake_registry.h"

#include <chrono>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/server_builder.h"

namespace qpp::gateway::testing {
namespace {

std::string Meta(grpc::CallbackServerContext* ctx, const char* key) {
  auto it = ctx->client_metadata().find(key);
  if (it == ctx->client_metadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

}  // namespace

registry::v1::Organization SampleOrganization(const std::string& uscc) {
  registry::v1::Organization o;
  o.set_name("organizations/" + uscc);
  o.set_uscc(uscc);
  o.set_display_name("深圳市示例质量科技有限公司");
  o.set_kind(registry::v1::ORGANIZATION_KIND_ENTERPRISE);
  o.set_district_code("440305");
  o.set_industry_code("3921");
  o.set_industry_section("C");
  o.set_employees(0);
  o.set_adoption_status(registry::v1::ADOPTION_STATUS_INTRODUCING);
  o.set_etag("1");
  return o;
}

FakeRegistry::FakeRegistry() {
  const std::string uscc = "91440300MA5F00001X";
  organizations_["organizations/" + uscc] = SampleOrganization(uscc);
}

void FakeRegistry::Remember(grpc::CallbackServerContext* ctx) {
  ++calls_;
  std::lock_guard<std::mutex> lock(mu_);
  last_principal_ = Meta(ctx, "x-qpp-principal");
  last_request_id_ = Meta(ctx, "x-request-id");
  last_api_key_ = Meta(ctx, "x-api-key");
  last_metadata_keys_.clear();
  last_metadata_.clear();
  for (const auto& [key, value] : ctx->client_metadata()) {
    last_metadata_keys_.emplace(key.data(), key.size());
    last_metadata_.emplace(std::string(key.data(), key.size()),
                           std::string(value.data(), value.size()));
  }
}

std::set<std::string> FakeRegistry::last_metadata_keys() {
  std::lock_guard<std::mutex> lock(mu_);
  return last_metadata_keys_;
}

std::vector<std::string> FakeRegistry::last_values(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> values;
  auto [first, last] = last_metadata_.equal_range(key);
  for (auto it = first; it != last; ++it) values.push_back(it->second);
  return values;
}

std::string FakeRegistry::last_principal() {
  std::lock_guard<std::mutex> lock(mu_);
  return last_principal_;
}
std::string FakeRegistry::last_request_id() {
  std::lock_guard<std::mutex> lock(mu_);
  return last_request_id_;
}
std::string FakeRegistry::last_api_key() {
  std::lock_guard<std::mutex> lock(mu_);
  return last_api_key_;
}

grpc::ServerUnaryReactor* FakeRegistry::Answer(grpc::CallbackServerContext* ctx,
                                               grpc::Status status) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  if (Meta(ctx, "x-fake-status") == "cancelled") {
    // What a server stopping answers to a call that reached it too late.
    reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "CANCELLED"));
    return reactor;
  }
  int sleep_ms = 0;
  if (absl::SimpleAtoi(Meta(ctx, "x-fake-sleep-ms"), &sleep_ms) &&
      sleep_ms > 0) {
    std::thread([reactor, status, sleep_ms] {
      std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
      reactor->Finish(status);
    }).detach();
  } else {
    reactor->Finish(status);
  }
  return reactor;
}

grpc::ServerUnaryReactor* FakeRegistry::GetOrganization(
    grpc::CallbackServerContext* ctx,
    const registry::v1::GetOrganizationRequest* request,
    registry::v1::Organization* response) {
  Remember(ctx);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = organizations_.find(request->name());
  if (it == organizations_.end()) {
    return Answer(ctx,
                  grpc::Status(grpc::StatusCode::NOT_FOUND,
                               absl::StrCat(request->name(), " not found")));
  }
  *response = it->second;
  return Answer(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* FakeRegistry::ListOrganizations(
    grpc::CallbackServerContext* ctx,
    const registry::v1::ListOrganizationsRequest* request,
    registry::v1::ListOrganizationsResponse* response) {
  Remember(ctx);
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, org] : organizations_) {
    if (!request->district_code().empty() &&
        org.district_code() != request->district_code()) {
      continue;
    }
    if (request->adoption_status() !=
            registry::v1::ADOPTION_STATUS_UNSPECIFIED &&
        org.adoption_status() != request->adoption_status()) {
      continue;
    }
    *response->add_organizations() = org;
  }
  return Answer(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* FakeRegistry::CreateOrganization(
    grpc::CallbackServerContext* ctx,
    const registry::v1::CreateOrganizationRequest* request,
    registry::v1::Organization* response) {
  Remember(ctx);
  const std::string& uscc = request->organization().uscc();
  if (uscc.size() != 18) {
    return Answer(ctx, grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                    "organization.uscc: 18 characters"));
  }
  std::lock_guard<std::mutex> lock(mu_);
  const std::string name = "organizations/" + uscc;
  if (organizations_.count(name) > 0) {
    return Answer(ctx, grpc::Status(grpc::StatusCode::ALREADY_EXISTS,
                                    absl::StrCat(name, " already exists")));
  }
  registry::v1::Organization o = request->organization();
  o.set_name(name);
  o.set_etag("1");
  organizations_[name] = o;
  *response = o;
  return Answer(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* FakeRegistry::GetTargetCounts(
    grpc::CallbackServerContext* ctx,
    const registry::v1::GetTargetCountsRequest* request,
    registry::v1::TargetCounts* response) {
  Remember(ctx);
  response->set_year(request->year());
  response->set_benchmarks_to_date(4);
  response->set_improved_enterprises(37);
  response->set_introduced_model(420);
  // The plan's own figures differ from the broader ones above: industries
  // (not organisations), enterprises only, key enterprises only.
  response->set_benchmark_industries(3);
  response->set_introduced_enterprises(380);
  response->set_key_enterprises_running(21);
  auto* adopted = response->add_adoption_counts();
  adopted->set_adoption_status(registry::v1::ADOPTION_STATUS_ADOPTED);
  adopted->set_count(25);
  auto* benchmark = response->add_adoption_counts();
  benchmark->set_adoption_status(registry::v1::ADOPTION_STATUS_BENCHMARK);
  benchmark->set_count(4);
  return Answer(ctx, grpc::Status::OK);
}

grpc::ServerReadReactor<registry::v1::ImportOrganizationsRequest>*
FakeRegistry::ImportOrganizations(
    grpc::CallbackServerContext* ctx,
    registry::v1::ImportOrganizationsResponse* response) {
  Remember(ctx);
  class Reader final : public grpc::ServerReadReactor<
                           registry::v1::ImportOrganizationsRequest> {
   public:
    explicit Reader(registry::v1::ImportOrganizationsResponse* response)
        : response_(response) {
      StartRead(&chunk_);
    }
    void OnReadDone(bool ok) override {
      if (!ok) {
        Finish(grpc::Status::OK);
        return;
      }
      response_->set_received_count(response_->received_count() +
                                    chunk_.organizations_size());
      response_->set_created_count(response_->received_count());
      StartRead(&chunk_);
    }
    void OnDone() override { delete this; }

   private:
    registry::v1::ImportOrganizationsResponse* response_;
    registry::v1::ImportOrganizationsRequest chunk_;
  };
  return new Reader(response);
}

std::unique_ptr<FakeServer> StartFakeRegistry(int port) {
  grpc::EnableDefaultHealthCheckService(true);
  auto fake = std::make_unique<FakeServer>();
  fake->service = std::make_unique<FakeRegistry>();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat("127.0.0.1:", port),
                           grpc::InsecureServerCredentials(), &fake->port);
  builder.RegisterService(fake->service.get());
  fake->server = builder.BuildAndStart();
  if (fake->server == nullptr || fake->port == 0) return nullptr;
  fake->server->GetHealthCheckService()->SetServingStatus(true);
  return fake;
}

}  // namespace qpp::gateway::testing
