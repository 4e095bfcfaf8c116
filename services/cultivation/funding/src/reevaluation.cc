#include "services/cultivation/funding/src/reevaluation.h"

#include "absl/strings/str_cat.h"
#include "common/client/service_client.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "spdlog/spdlog.h"

namespace qpp::funding {
namespace {

namespace registry_v1 = ::qpp::registry::v1;

constexpr char kRegistryFeed[] = "registry.organizations";

// Kinds whose facts have no change feed: the sweep re-reads them.
const std::vector<v1::SchemeKind>& SweptKinds() {
  static const auto* kinds = new std::vector<v1::SchemeKind>{
      v1::SCHEME_KIND_DEMONSTRATION_BASE_SUBSIDY,
      v1::SCHEME_KIND_TRAINING_SUBSIDY};
  return *kinds;
}

class GrpcOrganizationFeed final : public OrganizationFeed {
 public:
  GrpcOrganizationFeed(std::shared_ptr<grpc::Channel> channel,
                       prometheus::Registry& metrics)
      : client_(std::move(channel),
                client::DescriptorOf<registry_v1::RegistryService>(), Options(),
                metrics),
        stub_(registry_v1::RegistryService::NewStub(client_.channel())) {}

  absl::StatusOr<OrganizationChanges> Pull(const std::string& cursor,
                                           int limit) override {
    registry_v1::ListOrganizationChangesRequest request;
    request.set_page_size(limit);
    request.set_page_token(cursor);
    registry_v1::ListOrganizationChangesResponse response;
    QPP_RETURN_IF_ERROR(client_.Call(
        RequestContext(), "ListOrganizationChanges", stub_.get(),
        &registry_v1::RegistryService::Stub::ListOrganizationChanges, request,
        &response));
    OrganizationChanges out;
    for (const auto& change : response.changes()) {
      // "organizations/{uscc}".
      const std::string& name = change.organization();
      out.usccs.push_back(name.substr(name.find('/') + 1));
    }
    out.next_cursor = response.next_page_token();
    return out;
  }

 private:
  static client::ClientOptions Options() {
    client::ClientOptions options;
    options.display_name = "registry";
    options.default_deadline = absl::Seconds(5);
    options.max_deadline = absl::Seconds(10);
    return options;
  }

  client::ServiceClient client_;
  std::unique_ptr<registry_v1::RegistryService::Stub> stub_;
};

}  // namespace

std::unique_ptr<OrganizationFeed> NewGrpcOrganizationFeed(
    std::shared_ptr<grpc::Channel> registry, prometheus::Registry& metrics) {
  return std::make_unique<GrpcOrganizationFeed>(std::move(registry), metrics);
}

Reevaluator::Reevaluator(db::ConnectionPool& pool,
                         FundingRepository& repository, Funding& funding,
                         OrganizationFeed* feed, ReevaluationOptions options,
                         dates::Clock clock)
    : pool_(pool),
      repository_(repository),
      funding_(funding),
      feed_(feed),
      options_(options),
      clock_(std::move(clock)) {}

Reevaluator::~Reevaluator() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Reevaluator::Start() {
  thread_ = std::thread([this] {
    absl::Time next_sweep = absl::InfinitePast();
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      lock.unlock();
      for (const auto& [name, status] :
           {std::pair{"registry feed", FollowRegistry().status()},
            std::pair{"outbox", DrainOutbox().status()}}) {
        if (!status.ok()) {
          spdlog::warn("re-evaluation from the {} failed: {}", name,
                       status.ToString());
        }
      }
      if (absl::Now() >= next_sweep) {
        if (auto swept = Sweep(); !swept.ok()) {
          spdlog::warn("re-evaluation sweep failed: {}",
                       swept.status().ToString());
        }
        next_sweep = absl::Now() + options_.sweep_period;
      }
      lock.lock();
      wake_.wait_for(lock, absl::ToChronoMilliseconds(options_.poll_period),
                     [this] { return stop_; });
    }
  });
}

int Reevaluator::Evaluate(const std::string& uscc,
                          const std::vector<std::string>& schemes) {
  int evaluated = 0;
  for (const std::string& scheme : schemes) {
    v1::CheckEligibilityRequest req;
    req.set_scheme(absl::StrCat("fundingSchemes/", scheme));
    req.set_organization(absl::StrCat("organizations/", uscc));
    v1::EligibilityDecision decision;
    RequestContext call;
    call.set_deadline(absl::Now() + absl::Seconds(10));
    const absl::Status s = funding_.CheckEligibility(call, req, &decision);
    if (s.ok()) {
      ++evaluated;
    } else {
      spdlog::warn("re-evaluation of {} for {} failed: {}", uscc, scheme,
                   s.ToString());
    }
  }
  return evaluated;
}

absl::StatusOr<int> Reevaluator::FollowRegistry() {
  if (feed_ == nullptr) return 0;
  int evaluated = 0;
  for (;;) {
    std::string cursor;
    {
      QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
      QPP_ASSIGN_OR_RETURN(cursor, repository_.GetCursor(*conn, kRegistryFeed));
    }
    QPP_ASSIGN_OR_RETURN(OrganizationChanges page,
                         feed_->Pull(cursor, options_.page_size));
    std::vector<std::string> seen;
    for (const std::string& uscc : page.usccs) {
      if (std::find(seen.begin(), seen.end(), uscc) != seen.end()) continue;
      seen.push_back(uscc);
      std::vector<std::string> schemes;
      {
        QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
        QPP_ASSIGN_OR_RETURN(schemes,
                             repository_.SchemesDecidedFor(*conn, uscc));
      }
      evaluated += Evaluate(uscc, schemes);
    }
    // Stored after the page is processed: at least once.
    {
      QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
      QPP_RETURN_IF_ERROR(repository_.SetCursor(*conn, kRegistryFeed,
                                                page.next_cursor, clock_()));
    }
    if (static_cast<int>(page.usccs.size()) < options_.page_size) break;
  }
  return evaluated;
}

absl::StatusOr<int> Reevaluator::DrainOutbox() {
  int evaluated = 0;
  for (;;) {
    std::vector<std::pair<int64_t, std::string>> queued;
    std::vector<std::string> schemes;
    {
      QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
      QPP_ASSIGN_OR_RETURN(
          queued, repository_.QueuedReevaluations(*conn, options_.page_size));
      if (queued.empty()) return evaluated;
      QPP_ASSIGN_OR_RETURN(auto all, repository_.ListSchemes(*conn, "", 1000));
      for (const SchemeRecord& s : all) schemes.push_back(s.code);
    }
    for (const auto& [id, uscc] : queued) {
      evaluated += Evaluate(uscc, schemes);
      QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
      QPP_RETURN_IF_ERROR(repository_.DeleteReevaluation(*conn, id));
    }
  }
}

absl::StatusOr<int> Reevaluator::Sweep() {
  int evaluated = 0;
  const absl::CivilDay today = dates::Today(clock_());
  std::string after_uscc, after_scheme;
  for (;;) {
    std::vector<std::pair<std::string, std::string>> page;
    {
      QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
      QPP_ASSIGN_OR_RETURN(page, repository_.DecisionsToSweep(
                                     *conn, SweptKinds(), today, after_uscc,
                                     after_scheme, options_.page_size));
    }
    for (const auto& [uscc, scheme] : page) {
      evaluated += Evaluate(uscc, {scheme});
    }
    if (static_cast<int>(page.size()) < options_.page_size) return evaluated;
    after_uscc = page.back().first;
    after_scheme = page.back().second;
  }
}

}  // namespace qpp::funding
