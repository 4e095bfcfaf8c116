#include "services/demobase/src/registry_client.h"

#include "absl/strings/str_cat.h"
#include "common/client/dependency.h"
#include "common/client/service_client.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"

namespace qpp::demobase {
namespace {

namespace registry_v1 = ::qpp::registry::v1;

// The registry's failure in demobase's terms: NOT_FOUND as it is, a registry
// that cannot answer as REGISTRY_UNAVAILABLE, anything else as INTERNAL
// (common/client/dependency.h).
absl::Status RegistryError(const absl::Status& called) {
  return client::DependencyError(client::RegistryDependency(), called);
}

// An organisation has at most one award a year: one page holds them all.
constexpr int kAwardPageSize = 1000;

class GrpcRegistryClient final : public RegistryClient {
 public:
  GrpcRegistryClient(std::shared_ptr<grpc::Channel> channel,
                     prometheus::Registry& metrics)
      : client_(std::move(channel),
                client::DescriptorOf<registry_v1::RegistryService>(),
                client::DependencyClientOptions(client::RegistryDependency()),
                metrics),
        stub_(registry_v1::RegistryService::NewStub(client_.channel())) {}

  absl::StatusOr<RegisteredOrganization> GetOrganization(
      const RequestContext& context, absl::string_view uscc) override {
    registry_v1::GetOrganizationRequest request;
    request.set_name(absl::StrCat("organizations/", uscc));
    registry_v1::Organization organization;
    const absl::Status called =
        client_.Call(context, "GetOrganization", stub_.get(),
                     &registry_v1::RegistryService::Stub::GetOrganization,
                     request, &organization);
    if (!called.ok()) return RegistryError(called);
    RegisteredOrganization out;
    out.uscc = organization.uscc();
    out.display_name = organization.display_name();
    out.active =
        organization.state() != registry_v1::ORGANIZATION_STATE_ARCHIVED;
    out.exemplary_public_service =
        organization.flags().exemplary_public_service();
    return out;
  }

  absl::StatusOr<std::vector<AwardFact>> ListAwards(
      const RequestContext& context, absl::string_view uscc) override {
    registry_v1::ListAwardRecordsRequest request;
    request.set_parent(absl::StrCat("organizations/", uscc));
    request.set_page_size(kAwardPageSize);
    registry_v1::ListAwardRecordsResponse response;
    const absl::Status called =
        client_.Call(context, "ListAwardRecords", stub_.get(),
                     &registry_v1::RegistryService::Stub::ListAwardRecords,
                     request, &response);
    if (!called.ok()) return RegistryError(called);
    std::vector<AwardFact> out;
    for (const registry_v1::AwardRecord& award : response.award_records()) {
      out.push_back(
          {award.year(), registry_v1::AwardLevel_Name(award.level())});
    }
    return out;
  }

 private:
  client::ServiceClient client_;
  std::unique_ptr<registry_v1::RegistryService::Stub> stub_;
};

}  // namespace

std::unique_ptr<RegistryClient> NewGrpcRegistryClient(
    std::shared_ptr<grpc::Channel> channel, prometheus::Registry& metrics) {
  return std::make_unique<GrpcRegistryClient>(std::move(channel), metrics);
}

}  // namespace qpp::demobase
