#include "tests/load/funding_mix.h"

#include <algorithm>
#include <atomic>
#include <random>

#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "qpp/funding/v1/funding_service.grpc.pb.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "tests/load/mix_support.h"
#include "tests/load/registry_mix.h"

namespace qpp::load {
namespace {

namespace fv1 = ::qpp::funding::v1;
namespace rv1 = ::qpp::registry::v1;

std::string UsccOf(const std::string& organization) {
  const size_t slash = organization.rfind('/');
  return slash == std::string::npos ? organization
                                    : organization.substr(slash + 1);
}

struct MixState {
  std::unique_ptr<fv1::FundingService::Stub> stub;
  FundingLedger* ledger = nullptr;
  std::string scheme;
  std::vector<std::string> organizations;
  int page_size = 100;
  std::atomic<bool> pulling{false};
};

class CheckCall final : public Call {
 public:
  CheckCall(std::shared_ptr<MixState> state, std::string organization)
      : state_(std::move(state)) {
    req_.set_scheme(state_->scheme);
    req_.set_organization(std::move(organization));
  }
  void Start(grpc::ClientContext* context,
             std::function<void(grpc::Status)> done) override {
    resp_.Clear();
    state_->stub->async()->CheckEligibility(context, &req_, &resp_,
                                            std::move(done));
  }
  void Finish(const grpc::Status& status) override {
    EligibilityEntry e;
    e.organization = req_.organization();
    e.acknowledged = status.ok();
    e.code = status.error_code();
    if (status.ok()) {
      e.decision = resp_.name();
      e.outcome = resp_.outcome();
      const bool known = resp_.outcome() == fv1::OUTCOME_INELIGIBLE ||
                         resp_.outcome() == fv1::OUTCOME_PENDING ||
                         resp_.outcome() == fv1::OUTCOME_ELIGIBLE;
      if (!known || resp_.outcome() == fv1::OUTCOME_ELIGIBLE ||
          resp_.organization() != e.organization ||
          resp_.scheme() != req_.scheme()) {
        // None of the run's organisations is enrolled: an acceptance award
        // cannot be due to any of them.
        state_->ledger->AddViolation(absl::StrCat(
            e.organization, " answered ", fv1::Outcome_Name(resp_.outcome()),
            " (", resp_.name(), " of ", resp_.organization(), ")"));
      }
    }
    state_->ledger->AddCheck(std::move(e));
  }

 private:
  std::shared_ptr<MixState> state_;
  fv1::CheckEligibilityRequest req_;
  fv1::EligibilityDecision resp_;
};

class FeedCall final : public Call {
 public:
  explicit FeedCall(std::shared_ptr<MixState> state)
      : state_(std::move(state)) {
    req_.set_page_size(state_->page_size);
    req_.set_page_token(state_->ledger->cursor());
  }
  void Start(grpc::ClientContext* context,
             std::function<void(grpc::Status)> done) override {
    resp_.Clear();
    state_->stub->async()->ListDecisionChanges(context, &req_, &resp_,
                                               std::move(done));
  }
  void Finish(const grpc::Status& status) override {
    if (status.ok()) {
      std::vector<std::pair<int64_t, std::string>> changes;
      for (const fv1::DecisionChange& c : resp_.changes()) {
        changes.emplace_back(c.sequence(), c.decision().name());
      }
      state_->ledger->AddChanges(changes, resp_.next_page_token());
    }
    state_->pulling = false;
  }

 private:
  std::shared_ptr<MixState> state_;
  fv1::ListDecisionChangesRequest req_;
  fv1::ListDecisionChangesResponse resp_;
};

}  // namespace

void FundingLedger::AddCheck(EligibilityEntry entry) {
  std::lock_guard<std::mutex> lock(mu_);
  if (entry.acknowledged) ++acknowledged_;
  checks_.push_back(std::move(entry));
}

void FundingLedger::AddChanges(
    const std::vector<std::pair<int64_t, std::string>>& changes,
    const std::string& next_token) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [sequence, name] : changes) {
    if (sequence != last_sequence_ + 1) {
      violations_.push_back(
          absl::StrCat("feed: sequence ", sequence, " after ", last_sequence_));
    }
    if (!feed_.emplace(sequence, name).second) {
      violations_.push_back(
          absl::StrCat("feed: sequence ", sequence, " twice"));
    }
    last_sequence_ = std::max(last_sequence_, sequence);
  }
  if (next_token.empty()) {
    violations_.push_back("feed: an empty cursor");
  } else {
    cursor_ = next_token;
  }
}

void FundingLedger::AddViolation(std::string what) {
  std::lock_guard<std::mutex> lock(mu_);
  violations_.push_back(std::move(what));
}

std::string FundingLedger::cursor() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cursor_;
}

std::vector<EligibilityEntry> FundingLedger::checks() const {
  std::lock_guard<std::mutex> lock(mu_);
  return checks_;
}

std::map<int64_t, std::string> FundingLedger::feed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return feed_;
}

std::vector<std::string> FundingLedger::violations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return violations_;
}

int64_t FundingLedger::acknowledged() const {
  std::lock_guard<std::mutex> lock(mu_);
  return acknowledged_;
}

int64_t FundingLedger::last_sequence() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_sequence_;
}

absl::StatusOr<FundingSetup> SetUpFunding(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::vector<std::pair<std::string, std::string>>& metadata,
    const FundingMixOptions& options) {
  FundingSetup setup;
  auto registry = rv1::RegistryService::NewStub(channel);
  for (int i = 0; i < options.organizations; ++i) {
    // Serials 97,000,000 + run * 1,000 (wrapping at 2,000 runs).
    const int serial = 97'000'000 + (options.run % 2'000) * 1'000 + i;
    rv1::CreateOrganizationRequest req;
    rv1::Organization* org = req.mutable_organization();
    org->set_uscc(UsccForSerial(serial));
    org->set_display_name(absl::StrCat("深圳市资助负载", serial, "有限公司"));
    org->set_kind(rv1::ORGANIZATION_KIND_ENTERPRISE);
    org->set_district_code("440305");
    org->set_industry_code("39");
    org->set_employees(300);
    req.set_request_id(NewRequestId("setup"));
    rv1::Organization out;
    grpc::Status s = CallForSetUp(metadata, [&](grpc::ClientContext* ctx) {
      return registry->CreateOrganization(ctx, req, &out);
    });
    if (!s.ok() && s.error_code() != grpc::StatusCode::ALREADY_EXISTS) {
      return SetUpFailed("organisation", s);
    }
    setup.organizations.push_back("organizations/" + org->uscc());
  }
  auto stub = fv1::FundingService::NewStub(channel);
  const std::string code = absl::StrCat("load-award-", options.run);
  fv1::CreateFundingSchemeRequest req;
  req.mutable_funding_scheme()->set_name("fundingSchemes/" + code);
  req.mutable_funding_scheme()->set_title("卓越启航期末验收奖励（负载）");
  req.mutable_funding_scheme()->set_kind(fv1::SCHEME_KIND_ACCEPTANCE_AWARD);
  *req.mutable_rule()->mutable_effective_from() =
      dates::ToDate(absl::CivilDay(2020, 1, 1));
  req.mutable_rule()->set_amount_cap_fen(50'000'000);
  req.mutable_rule()->set_validity_months(12);
  req.mutable_rule()->set_min_score(60);
  req.mutable_rule()->set_basis("深府办〔2026〕1号 第五条");
  req.set_request_id(NewRequestId("setup"));
  fv1::FundingScheme out;
  grpc::Status s = CallForSetUp(metadata, [&](grpc::ClientContext* ctx) {
    return stub->CreateFundingScheme(ctx, req, &out);
  });
  if (!s.ok() && s.error_code() != grpc::StatusCode::ALREADY_EXISTS) {
    return SetUpFailed("funding scheme", s);
  }
  setup.scheme = "fundingSchemes/" + code;
  return setup;
}

std::vector<Operation> FundingMix(
    std::shared_ptr<grpc::Channel> channel, const FundingSetup& setup,
    const FundingMixOptions& options,
    std::vector<std::pair<std::string, std::string>> metadata,
    FundingLedger* ledger) {
  auto state = std::make_shared<MixState>();
  state->stub = fv1::FundingService::NewStub(channel);
  state->ledger = ledger;
  state->scheme = setup.scheme;
  state->organizations = setup.organizations;
  state->page_size = options.page_size;
  std::vector<Operation> ops;
  ops.push_back(
      {kFundingCheck, options.check_weight,
       [state]() -> std::unique_ptr<Call> {
         if (state->organizations.empty()) return nullptr;
         static thread_local std::mt19937_64 rng{std::random_device{}()};
         const size_t i = rng() % state->organizations.size();
         return std::make_unique<CheckCall>(state, state->organizations[i]);
       },
       metadata});
  ops.push_back({kFundingFeed, options.feed_weight,
                 [state]() -> std::unique_ptr<Call> {
                   // One pull at a time: each resumes from the last cursor.
                   if (state->pulling.exchange(true)) return nullptr;
                   return std::make_unique<FeedCall>(state);
                 },
                 metadata});
  return ops;
}

std::vector<std::string> VerifyFundingLedger(db::Connection& conn,
                                             const FundingSetup& setup,
                                             const FundingLedger& ledger,
                                             int64_t* checked) {
  std::vector<std::string> problems = ledger.violations();
  int64_t n = 0;
  const std::string code = setup.scheme.substr(setup.scheme.find('/') + 1);
  for (const EligibilityEntry& e : ledger.checks()) {
    if (!e.acknowledged) continue;
    ++n;
    auto rows = conn.Query(
        "SELECT uscc, scheme_code, outcome FROM eligibility_decisions "
        "WHERE id = ?",
        {IdOf(e.decision)});
    if (!rows.ok()) {
      problems.push_back(rows.status().ToString());
    } else if (rows->size() != 1 ||
               (*rows)[0].String(0) != UsccOf(e.organization) ||
               (*rows)[0].String(1) != code || (*rows)[0].Int(2) != e.outcome) {
      problems.push_back(absl::StrCat("answered ", e.decision, " for ",
                                      e.organization, " is not stored so"));
    }
  }
  for (const std::string& org : setup.organizations) {
    auto rows = conn.Query(
        "SELECT d.outcome FROM current_decisions c JOIN "
        "eligibility_decisions d ON d.id = c.decision_id WHERE c.uscc = ? "
        "AND c.scheme_code = ?",
        {UsccOf(org), code});
    if (!rows.ok()) {
      problems.push_back(rows.status().ToString());
    } else if (rows->size() > 1 || (!rows->empty() && (*rows)[0].Int(0) == 1)) {
      problems.push_back(absl::StrCat(org, ": current decision ",
                                      rows->size() > 1 ? "twice" : "eligible"));
    }
  }
  auto feed = conn.Query(
      "SELECT COUNT(*), COUNT(DISTINCT sequence), MIN(sequence), "
      "MAX(sequence), (SELECT MAX(last_sequence) FROM decision_feed_counter) "
      "FROM eligibility_decisions WHERE sequence IS NOT NULL");
  if (!feed.ok()) {
    problems.push_back(feed.status().ToString());
  } else if (!(*feed)[0].IsNull(2)) {
    const auto& r = (*feed)[0];
    if (r.Int(0) != r.Int(1) || r.Int(2) != 1 || r.Int(3) != r.Int(0) ||
        r.Int(4) != r.Int(3)) {
      problems.push_back(absl::StrCat("feed: ", r.Int(0),
                                      " sequenced decisions, ", r.Int(1),
                                      " distinct sequences ", r.Int(2), "..",
                                      r.Int(3), ", counter ", r.Int(4)));
    }
  }
  for (const auto& [sequence, name] : ledger.feed()) {
    ++n;
    auto rows =
        conn.Query("SELECT sequence FROM eligibility_decisions WHERE id = ?",
                   {IdOf(name)});
    if (!rows.ok() || rows->size() != 1 || (*rows)[0].IsNull(0) ||
        (*rows)[0].Int(0) != sequence) {
      problems.push_back(absl::StrCat("feed: ", name, " seen at ", sequence,
                                      " is not stored so"));
    }
  }
  if (checked != nullptr) *checked = n;
  return problems;
}

}  // namespace qpp::load
