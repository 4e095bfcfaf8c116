#include "services/training/src/registry_client.h"

#include "absl/strings/str_cat.h"
#include "common/client/service_client.h"
#include "common/status/status.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"

namespace qpp::training {
namespace {

namespace registry_v1 = ::qpp::registry::v1;

class GrpcRegistryClient final : public RegistryClient {
 public:
  GrpcRegistryClient(std::shared_ptr<grpc::Channel> channel,
                     prometheus::Registry& metrics)
      : client_(std::move(channel),
                client::DescriptorOf<registry_v1::RegistryService>(), Options(),
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
    if (!called.ok()) return Translate(called);
    RegisteredOrganization out;
    out.uscc = organization.uscc();
    out.display_name = organization.display_name();
    out.district_code = organization.district_code();
    out.active =
        organization.state() != registry_v1::ORGANIZATION_STATE_ARCHIVED;
    return out;
  }

 private:
  static client::ClientOptions Options() {
    client::ClientOptions options;
    options.display_name = "registry";
    options.default_deadline = absl::Seconds(2);
    options.max_deadline = absl::Seconds(3);
    return options;
  }

  // The registry's answer in training's terms: NOT_FOUND as it is, a
  // registry that cannot answer as REGISTRY_UNAVAILABLE, anything else as
  // INTERNAL (its validation errors are about a request training built).
  static absl::Status Translate(const absl::Status& s) {
    switch (s.code()) {
      case absl::StatusCode::kNotFound:
        return s;
      case absl::StatusCode::kUnavailable:
      case absl::StatusCode::kDeadlineExceeded:
      case absl::StatusCode::kResourceExhausted:
        return status::WithReason(
            absl::StatusCode::kUnavailable, "REGISTRY_UNAVAILABLE",
            "the registry is unavailable, so the organisation cannot be "
            "checked; nothing was written; try again later");
      default:
        return status::WithReason(
            absl::StatusCode::kInternal, "INTERNAL",
            absl::StrCat("the registry failed: ", s.message()));
    }
  }

  client::ServiceClient client_;
  std::unique_ptr<registry_v1::RegistryService::Stub> stub_;
};

}  // namespace

std::unique_ptr<RegistryClient> NewGrpcRegistryClient(
    std::shared_ptr<grpc::Channel> channel, prometheus::Registry& metrics) {
  return std::make_unique<GrpcRegistryClient>(std::move(channel), metrics);
}

absl::StatusOr<RegisteredOrganization> RequireRegistered(
    RegistryClient& registry, const RequestContext& context,
    absl::string_view uscc, absl::string_view field) {
  absl::StatusOr<RegisteredOrganization> found =
      registry.GetOrganization(context, uscc);
  if (absl::IsNotFound(found.status()) || (found.ok() && !found->active)) {
    return status::WithReason(
        absl::StatusCode::kFailedPrecondition, "ORGANIZATION_NOT_REGISTERED",
        absl::StrCat(field, ": organizations/", uscc,
                     found.ok() ? " is archived in the registry"
                                : " is not registered in the registry"));
  }
  return found;
}

}  // namespace qpp::training
