#include "tests/load/cultivation_mix.h"

#include <algorithm>
#include <atomic>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/dates/dates.h"
#include "common/validation/resident_id.h"
#include "qpp/cultivation/v1/cultivation_service.grpc.pb.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "tests/load/mix_support.h"
#include "tests/load/registry_mix.h"

namespace qpp::load {
namespace {

namespace cv1 = ::qpp::cultivation::v1;
namespace rv1 = ::qpp::registry::v1;

// The USCC serials of a run: its enterprises from 91,000,000 + run * 10,000
// (wrapping at 500 runs), its experts' employer at 96,000,000 + run.
int EnterpriseSerial(int run, int i) {
  return 91'000'000 + (run % 500) * 10'000 + i;
}

// A valid resident ID of an expert born in 1965–1992, unique per `n`
// below 10 million.
std::string ExpertResidentId(int n) {
  const int year = 1965 + (n / 1000 / 28) % 28;
  const int day = 1 + (n / 1000) % 28;
  const std::string first17 =
      absl::StrFormat("440306%04d05%02d%03d", year, day, n % 1000);
  return first17 + validation::ResidentIdCheckCharacter(first17);
}

std::string UsccOf(const std::string& organization) {
  const size_t slash = organization.rfind('/');
  return slash == std::string::npos ? organization
                                    : organization.substr(slash + 1);
}

bool Retryable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE ||
         code == grpc::StatusCode::DEADLINE_EXCEEDED;
}

struct MixState {
  std::unique_ptr<cv1::CultivationService::Stub> stub;
  CultivationLedger* ledger = nullptr;
  std::string cohort;
  std::vector<std::string> organizations;  // shuffled
  std::vector<std::string> experts;
  int per_application = 0;
  std::atomic<size_t> next{0};
};

class ApplyCall final : public Call {
 public:
  ApplyCall(std::shared_ptr<MixState> state, std::string organization)
      : state_(std::move(state)) {
    req_.set_parent(state_->cohort);
    req_.set_request_id(NewRequestId("cult"));
    req_.mutable_application()->set_organization(std::move(organization));
    req_.mutable_application()->set_statement("申请纳入卓越启航培育（负载）");
  }
  void Start(grpc::ClientContext* context,
             std::function<void(grpc::Status)> done) override {
    resp_.Clear();
    state_->stub->async()->CreateApplication(context, &req_, &resp_,
                                             std::move(done));
  }
  void Finish(const grpc::Status& status) override {
    ApplicationEntry e;
    e.request_id = req_.request_id();
    e.organization = req_.application().organization();
    e.acknowledged = status.ok();
    e.code = status.error_code();
    if (status.ok()) {
      e.name = resp_.name();
      if (resp_.organization() != e.organization ||
          resp_.status() != cv1::APPLICATION_STATUS_SUBMITTED) {
        state_->ledger->AddViolation(
            absl::StrCat("application ", e.request_id, " answered ",
                         resp_.name(), " of ", resp_.organization(), " in ",
                         cv1::ApplicationStatus_Name(resp_.status())));
      }
    } else if (!Retryable(status.error_code())) {
      // Each organisation applies once: any refusal means a retry was
      // taken for a second application, or the service failed.
      state_->ledger->AddViolation(absl::StrCat(
          "application ", e.request_id, " answered ",
          CodeName(status.error_code()), ": ", status.error_message()));
    }
    state_->ledger->AddApplication(std::move(e));
  }

 private:
  std::shared_ptr<MixState> state_;
  cv1::CreateApplicationRequest req_;
  cv1::Application resp_;
};

class AssignCall final : public Call {
 public:
  AssignCall(std::shared_ptr<MixState> state, std::string application,
             std::string expert)
      : state_(std::move(state)) {
    req_.set_parent(std::move(application));
    req_.set_request_id(NewRequestId("cult"));
    req_.mutable_review()->set_expert(std::move(expert));
  }
  void Start(grpc::ClientContext* context,
             std::function<void(grpc::Status)> done) override {
    resp_.Clear();
    state_->stub->async()->CreateReview(context, &req_, &resp_,
                                        std::move(done));
  }
  void Finish(const grpc::Status& status) override {
    ReviewEntry e;
    e.request_id = req_.request_id();
    e.application = req_.parent();
    e.expert = req_.review().expert();
    e.acknowledged = status.ok();
    e.code = status.error_code();
    if (status.ok()) {
      e.name = resp_.name();
    } else if (!Retryable(status.error_code())) {
      state_->ledger->AddViolation(absl::StrCat(
          "assignment ", e.request_id, " answered ",
          CodeName(status.error_code()), ": ", status.error_message()));
    }
    state_->ledger->AddReview(std::move(e));
  }

 private:
  std::shared_ptr<MixState> state_;
  cv1::CreateReviewRequest req_;
  cv1::Review resp_;
};

class ScoreCall final : public Call {
 public:
  ScoreCall(std::shared_ptr<MixState> state, std::string review)
      : state_(std::move(state)) {
    req_.set_name(std::move(review));
    req_.set_request_id(NewRequestId("cult"));
    static thread_local std::mt19937 rng{std::random_device{}()};
    for (int c = cv1::CRITERION_LEADERSHIP; c <= cv1::CRITERION_RESULTS; ++c) {
      cv1::CriterionScore* s = req_.add_scores();
      s->set_criterion(static_cast<cv1::Criterion>(c));
      s->set_score(std::uniform_int_distribution<int>(55, 95)(rng));
    }
  }
  void Start(grpc::ClientContext* context,
             std::function<void(grpc::Status)> done) override {
    resp_.Clear();
    state_->stub->async()->SubmitReview(context, &req_, &resp_,
                                        std::move(done));
  }
  void Finish(const grpc::Status& status) override {
    ReviewEntry e;
    e.request_id = req_.request_id();
    e.name = req_.name();
    e.scored = true;
    e.acknowledged = status.ok();
    e.code = status.error_code();
    if (status.ok() && resp_.state() != cv1::REVIEW_STATE_SUBMITTED) {
      state_->ledger->AddViolation(
          absl::StrCat("scoring ", e.request_id, " answered ",
                       cv1::ReviewState_Name(resp_.state())));
    } else if (!status.ok() && !Retryable(status.error_code())) {
      state_->ledger->AddViolation(absl::StrCat(
          "scoring ", e.request_id, " answered ", CodeName(status.error_code()),
          ": ", status.error_message()));
    }
    state_->ledger->AddReview(std::move(e));
  }

 private:
  std::shared_ptr<MixState> state_;
  cv1::SubmitReviewRequest req_;
  cv1::Review resp_;
};

}  // namespace

void CultivationLedger::AddApplication(ApplicationEntry entry) {
  std::lock_guard<std::mutex> lock(mu_);
  if (entry.acknowledged) {
    ++acknowledged_;
    assignable_.emplace_back(entry.name, 0);
  }
  applications_.push_back(std::move(entry));
}

void CultivationLedger::AddReview(ReviewEntry entry) {
  std::lock_guard<std::mutex> lock(mu_);
  if (entry.acknowledged) {
    ++reviews_acknowledged_;
    if (!entry.scored) scorable_.push_back(entry.name);
  }
  reviews_.push_back(std::move(entry));
}

void CultivationLedger::AddViolation(std::string what) {
  std::lock_guard<std::mutex> lock(mu_);
  violations_.push_back(std::move(what));
}

bool CultivationLedger::NextAssignment(int per_application,
                                       std::string* application, int* slot) {
  std::lock_guard<std::mutex> lock(mu_);
  while (!assignable_.empty()) {
    const size_t i = (pick_++ * 7919) % assignable_.size();
    auto& [name, sent] = assignable_[i];
    if (sent >= per_application) {
      assignable_[i] = assignable_.back();
      assignable_.pop_back();
      continue;
    }
    *application = name;
    *slot = sent++;
    return true;
  }
  return false;
}

bool CultivationLedger::NextScoring(std::string* review) {
  std::lock_guard<std::mutex> lock(mu_);
  if (scorable_.empty()) return false;
  *review = std::move(scorable_.front());
  scorable_.pop_front();
  return true;
}

std::vector<ApplicationEntry> CultivationLedger::applications() const {
  std::lock_guard<std::mutex> lock(mu_);
  return applications_;
}

std::vector<ReviewEntry> CultivationLedger::reviews() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reviews_;
}

std::vector<std::string> CultivationLedger::violations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return violations_;
}

int64_t CultivationLedger::acknowledged() const {
  std::lock_guard<std::mutex> lock(mu_);
  return acknowledged_;
}

int64_t CultivationLedger::reviews_acknowledged() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reviews_acknowledged_;
}

absl::StatusOr<CultivationSetup> SetUpCultivation(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::vector<std::pair<std::string, std::string>>& metadata,
    const CultivationMixOptions& options) {
  CultivationSetup setup;
  setup.reviews_per_application = options.reviews_per_application;
  auto registry = rv1::RegistryService::NewStub(channel);
  const auto create_organization = [&](int serial, rv1::OrganizationKind kind,
                                       std::string* name) -> absl::Status {
    rv1::CreateOrganizationRequest req;
    rv1::Organization* org = req.mutable_organization();
    org->set_uscc(UsccForSerial(serial));
    org->set_display_name(absl::StrCat("深圳市启航负载", serial, "有限公司"));
    org->set_kind(kind);
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
    *name = "organizations/" + org->uscc();
    return absl::OkStatus();
  };
  for (int i = 0; i < options.organizations; ++i) {
    std::string name;
    if (absl::Status s =
            create_organization(EnterpriseSerial(options.run, i),
                                rv1::ORGANIZATION_KIND_ENTERPRISE, &name);
        !s.ok()) {
      return s;
    }
    setup.organizations.push_back(std::move(name));
  }
  std::string employer;
  if (absl::Status s = create_organization(
          96'000'000 + options.run % 500,
          rv1::ORGANIZATION_KIND_PUBLIC_INSTITUTION, &employer);
      !s.ok()) {
    return s;
  }

  auto stub = cv1::CultivationService::NewStub(channel);
  {
    const absl::CivilDay today = dates::Today(absl::Now());
    cv1::CreateCohortRequest req;
    cv1::Cohort* c = req.mutable_cohort();
    c->set_year(options.cohort_year);
    c->set_capacity(100);
    c->set_library_cap(1000);
    c->set_min_reviews(options.reviews_per_application);
    *c->mutable_application_open_date() = dates::ToDate(today - 1);
    *c->mutable_application_close_date() = dates::ToDate(today + 365);
    req.set_request_id(NewRequestId("setup"));
    cv1::Cohort out;
    grpc::Status s = CallForSetUp(metadata, [&](grpc::ClientContext* ctx) {
      return stub->CreateCohort(ctx, req, &out);
    });
    if (!s.ok() && s.error_code() != grpc::StatusCode::ALREADY_EXISTS) {
      return SetUpFailed("cohort", s);
    }
    setup.cohort = absl::StrCat("cohorts/", options.cohort_year);
  }
  for (int i = 0; i < options.experts; ++i) {
    cv1::CreateExpertRequest req;
    cv1::Expert* e = req.mutable_expert();
    e->set_display_name("王专家");
    e->set_field("质量管理");
    e->set_employer(employer);
    e->set_phone("13922223333");
    e->set_resident_id(ExpertResidentId((options.run % 500) * 64 + i));
    req.set_request_id(NewRequestId("setup"));
    cv1::Expert out;
    grpc::Status s = CallForSetUp(metadata, [&](grpc::ClientContext* ctx) {
      return stub->CreateExpert(ctx, req, &out);
    });
    if (!s.ok()) return SetUpFailed("expert", s);
    setup.experts.push_back(out.name());
  }
  return setup;
}

std::vector<Operation> CultivationMix(std::shared_ptr<grpc::Channel> channel,
                                      const CultivationSetup& setup,
                                      const CultivationMixOptions& options,
                                      CultivationLedger* ledger) {
  auto state = std::make_shared<MixState>();
  state->stub = cv1::CultivationService::NewStub(channel);
  state->ledger = ledger;
  state->cohort = setup.cohort;
  state->organizations = setup.organizations;
  state->experts = setup.experts;
  state->per_application =
      std::min<int>(setup.reviews_per_application, setup.experts.size());
  std::shuffle(state->organizations.begin(), state->organizations.end(),
               std::mt19937_64{std::random_device{}()});
  std::vector<Operation> ops;
  ops.push_back({kCultivationApply, options.apply_weight,
                 [state]() -> std::unique_ptr<Call> {
                   const size_t i = state->next++;
                   if (i >= state->organizations.size()) return nullptr;
                   return std::make_unique<ApplyCall>(state,
                                                      state->organizations[i]);
                 }});
  ops.push_back({kCultivationAssign, options.assign_weight,
                 [state]() -> std::unique_ptr<Call> {
                   std::string application;
                   int slot = 0;
                   if (state->experts.empty() ||
                       !state->ledger->NextAssignment(state->per_application,
                                                      &application, &slot)) {
                     return nullptr;
                   }
                   // The application's experts are neighbours in the ring, from
                   // a place that depends on the application.
                   const size_t first = static_cast<size_t>(IdOf(application));
                   return std::make_unique<AssignCall>(
                       state, application,
                       state->experts[(first + slot) % state->experts.size()]);
                 }});
  ops.push_back({kCultivationScore, options.score_weight,
                 [state]() -> std::unique_ptr<Call> {
                   std::string review;
                   if (!state->ledger->NextScoring(&review)) return nullptr;
                   return std::make_unique<ScoreCall>(state, review);
                 }});
  return ops;
}

namespace {

// What idempotency_keys holds for `request_id`: whether a row exists and
// its answer, if it has one.
struct StoredKey {
  bool exists = false;
  bool answered = false;
  std::string response;
};

absl::StatusOr<StoredKey> ReadKey(db::Connection& conn,
                                  const std::string& request_id) {
  auto rows =
      conn.Query("SELECT response FROM idempotency_keys WHERE request_id = ?",
                 {request_id});
  if (!rows.ok()) return rows.status();
  StoredKey out;
  if (rows->empty()) return out;
  out.exists = true;
  out.answered = !(*rows)[0].IsNull(0);
  if (out.answered) out.response = (*rows)[0].String(0);
  return out;
}

}  // namespace

std::vector<std::string> VerifyCultivationLedger(
    db::Connection& conn, const CultivationSetup& setup,
    const CultivationLedger& ledger, int64_t* checked) {
  std::vector<std::string> problems = ledger.violations();
  int64_t n = 0;
  const int64_t year = IdOf(setup.cohort);
  // Per organisation: at most one application (none is withdrawn).
  for (const std::string& org : setup.organizations) {
    auto rows = conn.Query(
        "SELECT COUNT(*) FROM applications WHERE cohort_year = ? AND "
        "organization_uscc = ?",
        {year, UsccOf(org)});
    if (!rows.ok()) {
      problems.push_back(rows.status().ToString());
      continue;
    }
    if ((*rows)[0].Int(0) > 1) {
      problems.push_back(absl::StrCat(org, ": ", (*rows)[0].Int(0),
                                      " applications to ", setup.cohort));
    }
  }
  for (const ApplicationEntry& e : ledger.applications()) {
    ++n;
    auto key = ReadKey(conn, e.request_id);
    auto rows = conn.Query(
        "SELECT id FROM applications WHERE cohort_year = ? AND "
        "organization_uscc = ?",
        {year, UsccOf(e.organization)});
    if (!key.ok() || !rows.ok()) {
      problems.push_back(absl::StrCat("cannot read ", e.request_id));
      continue;
    }
    cv1::Application answered;
    const bool has_answer =
        key->answered && answered.ParseFromString(key->response);
    if (e.acknowledged) {
      if (rows->size() != 1 || (*rows)[0].Int(0) != IdOf(e.name)) {
        problems.push_back(absl::StrCat("acknowledged ", e.name, " stored ",
                                        rows->size(), " times"));
      }
      if (!has_answer || answered.name() != e.name) {
        problems.push_back(absl::StrCat("acknowledged ", e.request_id,
                                        " has no answer naming ", e.name));
      }
    } else if (has_answer) {
      // Written, the answer lost: stored once under the answered name.
      if (rows->size() != 1 || (*rows)[0].Int(0) != IdOf(answered.name())) {
        problems.push_back(absl::StrCat("unacknowledged ", e.request_id,
                                        " answered ", answered.name(),
                                        " but stored ", rows->size()));
      }
    } else if (!rows->empty() || key->exists) {
      problems.push_back(absl::StrCat("unacknowledged ", e.request_id, ": ",
                                      rows->size(), " applications, key ",
                                      key->exists ? "without answer" : "none"));
    }
  }
  std::set<std::string> touched;
  for (const ReviewEntry& e : ledger.reviews()) {
    ++n;
    auto key = ReadKey(conn, e.request_id);
    if (!key.ok()) {
      problems.push_back(absl::StrCat("cannot read ", e.request_id));
      continue;
    }
    if (!e.scored) {
      auto rows = conn.Query(
          "SELECT id FROM reviews WHERE application_id = ? AND expert_id = ?",
          {IdOf(e.application), IdOf(e.expert)});
      if (!rows.ok()) {
        problems.push_back(rows.status().ToString());
        continue;
      }
      touched.insert(e.application);
      if (e.acknowledged &&
          (rows->size() != 1 || (*rows)[0].Int(0) != IdOf(e.name) ||
           !key->answered)) {
        problems.push_back(absl::StrCat("acknowledged assignment ", e.name,
                                        " stored ", rows->size(), " times"));
      } else if (!e.acknowledged && rows->size() != (key->answered ? 1 : 0)) {
        problems.push_back(absl::StrCat("unacknowledged assignment ",
                                        e.request_id, ": ", rows->size(),
                                        " reviews stored"));
      }
    } else {
      const size_t cut = e.name.find("/reviews/");
      auto rows =
          conn.Query("SELECT state FROM reviews WHERE id = ?", {IdOf(e.name)});
      if (!rows.ok() || rows->size() != 1) {
        problems.push_back(absl::StrCat("scored review ", e.name, " missing"));
        continue;
      }
      if (cut != std::string::npos) touched.insert(e.name.substr(0, cut));
      const bool submitted = (*rows)[0].Int(0) == cv1::REVIEW_STATE_SUBMITTED;
      if (e.acknowledged && (!submitted || !key->answered)) {
        problems.push_back(
            absl::StrCat("acknowledged scoring of ", e.name, " not stored"));
      } else if (!e.acknowledged && submitted != key->answered) {
        problems.push_back(absl::StrCat("unacknowledged scoring ", e.request_id,
                                        " half-written"));
      }
    }
  }
  // Every application reviewed: its count is that of its submitted reviews.
  for (const std::string& application : touched) {
    auto rows = conn.Query(
        "SELECT a.review_count, (SELECT COUNT(*) FROM reviews r WHERE "
        "r.application_id = a.id AND r.state = ?) FROM applications a "
        "WHERE a.id = ?",
        {int64_t{cv1::REVIEW_STATE_SUBMITTED}, IdOf(application)});
    if (!rows.ok() || rows->size() != 1) {
      problems.push_back(absl::StrCat("cannot read ", application));
    } else if ((*rows)[0].Int(0) != (*rows)[0].Int(1)) {
      problems.push_back(absl::StrCat(application, ": review count ",
                                      (*rows)[0].Int(0), ", ",
                                      (*rows)[0].Int(1), " reviews submitted"));
    }
  }
  if (checked != nullptr) *checked = n;
  return problems;
}

}  // namespace qpp::load
