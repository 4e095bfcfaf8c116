#include "services/cultivation/funding/src/grpc_fact_source.h"

#include <algorithm>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/client/dependency.h"
#include "common/client/service_client.h"
#include "common/dates/dates.h"
#include "common/status/status.h"
#include "qpp/demobase/v1/demobase_service.grpc.pb.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "qpp/training/v1/training_service.grpc.pb.h"

namespace qpp::funding {
namespace {

namespace registry_v1 = ::qpp::registry::v1;
namespace training_v1 = ::qpp::training::v1;
namespace demobase_v1 = ::qpp::demobase::v1;

constexpr char kNotConfigured[] = "the service is not configured";

// A dependency read while a decision is made: its deadlines as any
// dependency's (common/client/dependency.h).
client::ClientOptions Options(const char* name) {
  return client::DependencyClientOptions({.display_name = name});
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
    if (needs.organization) ReadOrganization(call, uscc, facts.organization);
    if (needs.enrolment) ReadEnrolment(uscc, today, facts.enrolment);
    if (needs.growth_plan) ReadGrowthPlan(uscc, facts.growth_plan);
    if (needs.base) ReadBase(call, uscc, today, facts.base);
    if (needs.training) ReadTraining(call, uscc, facts.training);
    return facts;
  }

  absl::Status ReadRegistryRecord(const RequestContext& call,
                                  const std::string& uscc,
                                  v1::QualityRecord* record) override {
    const std::string name = absl::StrCat("organizations/", uscc);
    record->set_organization(name);
    v1::PartStatus* part = record->mutable_registry();
    part->set_source(registry_v1::RegistryService::service_full_name());
    if (registry_.client == nullptr) {
      part->set_unavailable_reason(kNotConfigured);
      return absl::OkStatus();
    }
    auto fail = [&](const absl::Status& s) {
      *part->mutable_read_time() = dates::ToTimestamp(absl::Now());
      part->set_unavailable_reason(Why(s));
      return absl::OkStatus();
    };
    registry_v1::GetOrganizationRequest get;
    get.set_name(name);
    registry_v1::Organization org;
    absl::Status s = registry_.client->Call(
        call, "GetOrganization", registry_.stub.get(),
        &registry_v1::RegistryService::Stub::GetOrganization, get, &org);
    if (s.code() == absl::StatusCode::kNotFound) return status::NotFound(name);
    if (!s.ok()) return fail(s);

    registry_v1::ListAwardRecordsRequest awards_req;
    awards_req.set_parent(name);
    awards_req.set_page_size(1000);
    registry_v1::ListAwardRecordsResponse awards;
    s = registry_.client->Call(
        call, "ListAwardRecords", registry_.stub.get(),
        &registry_v1::RegistryService::Stub::ListAwardRecords, awards_req,
        &awards);
    if (!s.ok()) return fail(s);

    registry_v1::ListBenchmarkDesignationsRequest benchmarks_req;
    benchmarks_req.set_parent(name);
    benchmarks_req.set_page_size(1000);
    registry_v1::ListBenchmarkDesignationsResponse benchmarks;
    s = registry_.client->Call(
        call, "ListBenchmarkDesignations", registry_.stub.get(),
        &registry_v1::RegistryService::Stub::ListBenchmarkDesignations,
        benchmarks_req, &benchmarks);
    if (!s.ok()) return fail(s);

    registry_v1::ListSelfAssessmentsRequest assessments_req;
    assessments_req.set_parent(name);
    assessments_req.set_page_size(1000);
    registry_v1::ListSelfAssessmentsResponse assessments;
    s = registry_.client->Call(
        call, "ListSelfAssessments", registry_.stub.get(),
        &registry_v1::RegistryService::Stub::ListSelfAssessments,
        assessments_req, &assessments);
    if (!s.ok()) return fail(s);

    part->set_available(true);
    *part->mutable_read_time() = dates::ToTimestamp(absl::Now());
    record->set_display_name(org.display_name());
    record->set_adoption_status(
        registry_v1::AdoptionStatus_Name(org.adoption_status()));
    const auto& history = org.adoption_history();
    if (dates::IsSet(history.introducing_date())) {
      *record->mutable_introducing_date() = history.introducing_date();
    }
    if (dates::IsSet(history.adopted_date())) {
      *record->mutable_adopted_date() = history.adopted_date();
    }
    if (dates::IsSet(history.benchmark_date())) {
      *record->mutable_benchmark_date() = history.benchmark_date();
    }
    record->set_credit_standing(org.credit().standing() ==
                                        registry_v1::CREDIT_STANDING_RESTRICTED
                                    ? "RESTRICTED"
                                    : "GOOD");
    std::vector<const registry_v1::AwardRecord*> sorted_awards;
    for (const auto& a : awards.award_records()) sorted_awards.push_back(&a);
    std::sort(
        sorted_awards.begin(), sorted_awards.end(),
        [](const auto* a, const auto* b) { return a->year() > b->year(); });
    for (const auto* a : sorted_awards) {
      v1::AwardEntry* entry = record->add_awards();
      entry->set_year(a->year());
      entry->set_level(registry_v1::AwardLevel_Name(a->level()));
      entry->set_category(a->category());
    }
    std::vector<int32_t> years;
    for (const auto& b : benchmarks.benchmark_designations()) {
      years.push_back(b.year());
    }
    std::sort(years.rbegin(), years.rend());
    for (int32_t y : years) record->add_benchmark_years(y);
    std::vector<const registry_v1::SelfAssessment*> current;
    for (const auto& a : assessments.self_assessments()) {
      if (a.state() == registry_v1::SELF_ASSESSMENT_STATE_CURRENT) {
        current.push_back(&a);
      }
    }
    std::sort(current.begin(), current.end(), [](const auto* a, const auto* b) {
      const auto da = dates::ToCivilDay(a->assessment_date());
      const auto db = dates::ToCivilDay(b->assessment_date());
      return da < db;
    });
    std::vector<double> totals;
    for (const auto* a : current) {
      v1::AssessmentPoint* point = record->add_self_assessments();
      *point->mutable_assessment_date() = a->assessment_date();
      point->set_total_points(a->total_points());
      totals.push_back(a->total_points());
    }
    record->set_self_assessment_trend(TrendOf(totals));
    return absl::OkStatus();
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
