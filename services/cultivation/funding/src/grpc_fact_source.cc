#include "services/cultivation/funding/src/grpc_fact_source.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/client/service_client.h"
#include "common/dates/dates.h"
#include "qpp/demobase/v1/demobase_service.grpc.pb.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "qpp/training/v1/training_service.grpc.pb.h"

namespace qpp::funding {
namespace {

namespace registry_v1 = ::qpp::registry::v1;
namespace training_v1 = ::qpp::training::v1;
namespace demobase_v1 = ::qpp::demobase::v1;

constexpr char kNotConfigured[] = "the service is not configured";

client::ClientOptions Options(const char* name) {
  client::ClientOptions options;
  options.display_name = name;
  options.default_deadline = absl::Seconds(2);
  options.max_deadline = absl::Seconds(3);
  return options;
}

std::string Why(const absl::Status& s) {
  return absl::StrCat(absl::StatusCodeToString(s.code()), ": ", s.message());
}

const char* SizeText(registry_v1::SizeClass size) {
  switch (size) {
    case registry_v1::SIZE_CLASS_LARGE:
      return "LARGE";
    case registry_v1::SIZE_CLASS_MEDIUM:
      return "MEDIUM";
    case registry_v1::SIZE_CLASS_SMALL:
      return "SMALL";
    case registry_v1::SIZE_CLASS_MICRO:
      return "MICRO";
    default:
      return "UNKNOWN";
  }
}

// One service's client and stub, or neither when not configured.
template <typename Service>
struct Dependency {
  Dependency(std::shared_ptr<grpc::Channel> channel, const char* name,
             prometheus::Registry& metrics) {
    if (channel == nullptr) return;
    client = std::make_unique<client::ServiceClient>(
        std::move(channel), client::DescriptorOf<Service>(), Options(name),
        metrics);
    stub = Service::NewStub(client->channel());
  }
  std::unique_ptr<client::ServiceClient> client;
  std::unique_ptr<typename Service::Stub> stub;
};

class GrpcFactSource final : public FactSource {
 public:
  GrpcFactSource(std::shared_ptr<grpc::Channel> registry,
                 std::shared_ptr<grpc::Channel> training,
                 std::shared_ptr<grpc::Channel> demobase,
                 std::shared_ptr<CultivationFacts> cultivation,
                 prometheus::Registry& metrics)
      : registry_(std::move(registry), "registry", metrics),
        training_(std::move(training), "training", metrics),
        demobase_(std::move(demobase), "demobase", metrics),
        cultivation_(std::move(cultivation)) {}

  Facts Read(const RequestContext& call, const std::string& uscc,
             const FactNeeds& needs, absl::CivilDay today) override {
    Facts facts;
    ReadOrganization(call, uscc, facts.organization);
    if (needs.enrolment) ReadEnrolment(uscc, today, facts.enrolment);
    if (needs.growth_plan) ReadGrowthPlan(uscc, facts.growth_plan);
    if (needs.base) ReadBase(call, uscc, today, facts.base);
    if (needs.training) ReadTraining(call, uscc, facts.training);
    return facts;
  }

 private:
  void ReadOrganization(const RequestContext& call, const std::string& uscc,
                        Reading<OrganizationFacts>& out) {
    out.source = registry_v1::RegistryService::service_full_name();
    if (registry_.client == nullptr) {
      out.unavailable_reason = kNotConfigured;
      return;
    }
    registry_v1::GetOrganizationRequest request;
    request.set_name(absl::StrCat("organizations/", uscc));
    registry_v1::Organization org;
    const absl::Status called = registry_.client->Call(
        call, "GetOrganization", registry_.stub.get(),
        &registry_v1::RegistryService::Stub::GetOrganization, request, &org);
    out.read_time = absl::Now();
    OrganizationFacts facts;
    if (called.code() == absl::StatusCode::kNotFound) {
      out.value = facts;  // not registered: a fact, not a failure
      return;
    }
    if (!called.ok()) {
      out.unavailable_reason = Why(called);
      return;
    }
    facts.registered = true;
    facts.enterprise = org.kind() == registry_v1::ORGANIZATION_KIND_ENTERPRISE;
    facts.archived = org.state() == registry_v1::ORGANIZATION_STATE_ARCHIVED;
    facts.credit_restricted =
        org.credit().standing() == registry_v1::CREDIT_STANDING_RESTRICTED;
    facts.credit_standing = facts.credit_restricted ? "RESTRICTED" : "GOOD";
    facts.size_class = SizeText(org.size_class());
    out.value = facts;
  }

  void ReadEnrolment(const std::string& uscc, absl::CivilDay today,
                     Reading<EnrolmentFacts>& out) {
    out.source = "qpp.cultivation.v1.CultivationService";
    if (cultivation_ == nullptr) {
      out.unavailable_reason = kNotConfigured;
      return;
    }
    auto read = cultivation_->Enrolment(uscc, today);
    out.read_time = absl::Now();
    if (!read.ok()) {
      out.unavailable_reason = Why(read.status());
      return;
    }
    out.value = *read;
  }

  void ReadGrowthPlan(const std::string& uscc, Reading<GrowthPlanFacts>& out) {
    out.source = "qpp.cultivation.v1.CultivationService";
    if (cultivation_ == nullptr) {
      out.unavailable_reason = kNotConfigured;
      return;
    }
    auto read = cultivation_->GrowthPlan(uscc);
    out.read_time = absl::Now();
    if (!read.ok()) {
      out.unavailable_reason = Why(read.status());
      return;
    }
    out.value = *read;
  }

  void ReadBase(const RequestContext& call, const std::string& uscc,
                absl::CivilDay today, Reading<DemonstrationBaseFacts>& out) {
    out.source = demobase_v1::DemoBaseService::service_full_name();
    if (demobase_.client == nullptr) {
      out.unavailable_reason = kNotConfigured;
      return;
    }
    // A year has a handful of bases: every page is read.
    demobase_v1::ListBaseComplianceRequest request;
    request.set_year(static_cast<int32_t>(today.year()));
    *request.mutable_as_of() = dates::ToDate(today);
    request.set_page_size(1000);
    DemonstrationBaseFacts facts;
    const std::string organization = absl::StrCat("organizations/", uscc);
    for (int pages = 0; pages < 20; ++pages) {
      demobase_v1::ListBaseComplianceResponse response;
      const absl::Status called = demobase_.client->Call(
          call, "ListBaseCompliance", demobase_.stub.get(),
          &demobase_v1::DemoBaseService::Stub::ListBaseCompliance, request,
          &response);
      if (!called.ok()) {
        out.read_time = absl::Now();
        out.unavailable_reason = Why(called);
        return;
      }
      for (const demobase_v1::BaseCompliance& base : response.bases()) {
        if (base.organization() != organization ||
            base.status() != demobase_v1::BASE_STATUS_ACTIVE) {
          continue;
        }
        facts.active_base = true;
        facts.events_held = base.events_held();
        facts.behind_minimum = base.behind();
      }
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    out.read_time = absl::Now();
    out.value = facts;
  }

  void ReadTraining(const RequestContext& call, const std::string& uscc,
                    Reading<TrainingFacts>& out) {
    out.source = training_v1::TrainingService::service_full_name();
    if (training_.client == nullptr) {
      out.unavailable_reason = kNotConfigured;
      return;
    }
    training_v1::ListCertificatesRequest request;
    request.set_employer(absl::StrCat("organizations/", uscc));
    request.set_state(training_v1::Certificate::STATE_VALID);
    request.set_page_size(1000);
    std::set<std::string> holders;
    for (int pages = 0; pages < 100; ++pages) {
      training_v1::ListCertificatesResponse response;
      const absl::Status called = training_.client->Call(
          call, "ListCertificates", training_.stub.get(),
          &training_v1::TrainingService::Stub::ListCertificates, request,
          &response);
      if (!called.ok()) {
        out.read_time = absl::Now();
        out.unavailable_reason = Why(called);
        return;
      }
      for (const auto& certificate : response.certificates()) {
        holders.insert(certificate.holder());
      }
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    out.read_time = absl::Now();
    out.value = TrainingFacts{static_cast<int32_t>(holders.size())};
  }

  Dependency<registry_v1::RegistryService> registry_;
  Dependency<training_v1::TrainingService> training_;
  Dependency<demobase_v1::DemoBaseService> demobase_;
  std::shared_ptr<CultivationFacts> cultivation_;
};

}  // namespace

std::unique_ptr<FactSource> NewGrpcFactSource(
    std::shared_ptr<grpc::Channel> registry,
    std::shared_ptr<grpc::Channel> training,
    std::shared_ptr<grpc::Channel> demobase,
    std::shared_ptr<CultivationFacts> cultivation,
    prometheus::Registry& metrics) {
  return std::make_unique<GrpcFactSource>(
      std::move(registry), std::move(training), std::move(demobase),
      std::move(cultivation), metrics);
}

}  // namespace qpp::funding
