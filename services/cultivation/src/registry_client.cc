#include "services/cultivation/src/registry_client.h"

#include "absl/strings/str_cat.h"
#include "common/client/dependency.h"
#include "common/client/service_client.h"
#include "common/dates/dates.h"
#include "common/status/status.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"

namespace qpp::cultivation {
namespace {

namespace registry_v1 = ::qpp::registry::v1;

// The registry's failure in cultivation's terms: NOT_FOUND as it is, a registry
// that cannot answer as REGISTRY_UNAVAILABLE, anything else as INTERNAL
// (common/client/dependency.h).
absl::Status RegistryError(const absl::Status& called) {
  return client::DependencyError(client::RegistryDependency(), called);
}

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
    out.enterprise =
        organization.kind() == registry_v1::ORGANIZATION_KIND_ENTERPRISE;
    out.good_credit = organization.credit().standing() !=
                      registry_v1::CREDIT_STANDING_RESTRICTED;
    out.size_class = registry_v1::SizeClass_Name(organization.size_class());
    out.adopted =
        organization.adoption_status() >= registry_v1::ADOPTION_STATUS_ADOPTED;
    return out;
  }

  absl::Status SetAdopted(const RequestContext& context, absl::string_view uscc,
                          absl::CivilDay day, absl::string_view request_id,
                          absl::string_view evidence) override {
    registry_v1::SetAdoptionStatusRequest request;
    request.set_name(absl::StrCat("organizations/", uscc));
    request.set_adoption_status(registry_v1::ADOPTION_STATUS_ADOPTED);
    *request.mutable_effective_date() = dates::ToDate(day);
    request.set_request_id(std::string(request_id));
    request.set_evidence(std::string(evidence));
    registry_v1::Organization organization;
    const absl::Status called =
        client_.Call(context, "SetAdoptionStatus", stub_.get(),
                     &registry_v1::RegistryService::Stub::SetAdoptionStatus,
                     request, &organization);
    // Adopted already (by this enrolment's earlier attempt or otherwise):
    // the move is done.
    if (status::ReasonOf(called) == "ADOPTION_NOT_FORWARD") {
      return absl::OkStatus();
    }
    if (!called.ok()) return RegistryError(called);
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<SelfAssessmentFact>> LatestSelfAssessment(
      const RequestContext& context, absl::string_view uscc) override {
    registry_v1::ListSelfAssessmentsRequest request;
    request.set_parent(absl::StrCat("organizations/", uscc));
    // The registry lists newest first: the first one is the latest.
    request.set_page_size(1);
    registry_v1::ListSelfAssessmentsResponse response;
    const absl::Status called =
        client_.Call(context, "ListSelfAssessments", stub_.get(),
                     &registry_v1::RegistryService::Stub::ListSelfAssessments,
                     request, &response);
    if (!called.ok()) return RegistryError(called);
    if (response.self_assessments().empty()) return std::nullopt;
    const registry_v1::SelfAssessment& latest = response.self_assessments(0);
    return SelfAssessmentFact{latest.name(), latest.total_points(),
                              latest.assessor_certificate()};
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

}  // namespace qpp::cultivation
