#include "tests/load/training_mix.h"

#include <algorithm>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/validation/resident_id.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "qpp/training/v1/training_service.grpc.pb.h"
#include "tests/load/mix_support.h"
#include "tests/load/registry_mix.h"

namespace qpp::load {
namespace {

namespace tv1 = ::qpp::training::v1;
namespace rv1 = ::qpp::registry::v1;

// A valid resident ID (GB 11643) of a person born in 1980–2007, unique per
// `n` below 10 million.
std::string ResidentIdFor(int n) {
  const int year = 1980 + (n / 1000 / 28) % 28;
  const int day = 1 + (n / 1000) % 28;
  const std::string first17 =
      absl::StrFormat("440305%04d03%02d%03d", year, day, n % 1000);
  return first17 + validation::ResidentIdCheckCharacter(first17);
}

struct MixState {
  std::unique_ptr<tv1::TrainingService::Stub> stub;
  TrainingLedger* ledger = nullptr;
  std::vector<std::pair<std::string, std::string>> pairs;
  std::atomic<size_t> next{0};
  std::vector<std::string> sessions;
  std::atomic<uint64_t> reads{0};
};

class RegisterCall final : public Call {
 public:
  RegisterCall(std::shared_ptr<MixState> state, std::string session,
               std::string trainee)
      : state_(std::move(state)) {
    req_.set_request_id(NewRequestId("train"));
    req_.mutable_registration()->set_session(std::move(session));
    req_.mutable_registration()->set_trainee(std::move(trainee));
  }
  void Start(grpc::ClientContext* context,
             std::function<void(grpc::Status)> done) override {
    resp_.Clear();
    state_->stub->async()->CreateRegistration(context, &req_, &resp_,
                                              std::move(done));
  }
  void Finish(const grpc::Status& status) override {
    RegistrationEntry e;
    e.request_id = req_.request_id();
    e.session = req_.registration().session();
    e.trainee = req_.registration().trainee();
    e.acknowledged = status.ok();
    e.code = status.error_code();
    if (status.ok()) {
      e.name = resp_.name();
      e.state = resp_.state();
    } else if (status.error_code() != grpc::StatusCode::UNAVAILABLE &&
               status.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED) {
      // Each pair is sent once: any refusal means a retry was taken for a
      // second registration, or the service failed.
      state_->ledger->AddViolation(absl::StrCat(
          "registration ", e.request_id, " answered ",
          CodeName(status.error_code()), ": ", status.error_message()));
    }
    state_->ledger->Add(std::move(e));
  }

 private:
  std::shared_ptr<MixState> state_;
  tv1::CreateRegistrationRequest req_;
  tv1::Registration resp_;
};

class GetSessionCall final : public Call {
 public:
  GetSessionCall(std::shared_ptr<MixState> state, std::string name)
      : state_(std::move(state)) {
    req_.set_name(std::move(name));
  }
  void Start(grpc::ClientContext* context,
             std::function<void(grpc::Status)> done) override {
    state_->stub->async()->GetSession(context, &req_, &resp_, std::move(done));
  }

 private:
  std::shared_ptr<MixState> state_;
  tv1::GetSessionRequest req_;
  tv1::Session resp_;
};

}  // namespace

void TrainingLedger::Add(RegistrationEntry entry) {
  std::lock_guard<std::mutex> lock(mu_);
  if (entry.acknowledged) ++acknowledged_;
  entries_.push_back(std::move(entry));
}

void TrainingLedger::AddViolation(std::string what) {
  std::lock_guard<std::mutex> lock(mu_);
  violations_.push_back(std::move(what));
}

std::vector<RegistrationEntry> TrainingLedger::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_;
}

std::vector<std::string> TrainingLedger::violations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return violations_;
}

int64_t TrainingLedger::acknowledged() const {
  std::lock_guard<std::mutex> lock(mu_);
  return acknowledged_;
}

absl::StatusOr<TrainingSetup> SetUpTraining(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::vector<std::pair<std::string, std::string>>& metadata,
    const TrainingMixOptions& options) {
  TrainingSetup setup;
  setup.capacity = options.capacity;
  const std::string uscc = UsccForSerial(90'000'000 + options.run);
  {
    auto registry = rv1::RegistryService::NewStub(channel);
    rv1::CreateOrganizationRequest req;
    rv1::Organization* org = req.mutable_organization();
    org->set_uscc(uscc);
    org->set_display_name(
        absl::StrCat("深圳市培训负载", options.run, "有限公司"));
    org->set_kind(rv1::ORGANIZATION_KIND_ENTERPRISE);
    org->set_district_code("440305");
    org->set_industry_code("39");
    org->set_employees(300);
    rv1::Organization out;
    req.set_request_id(NewRequestId("setup"));
    grpc::Status s = CallForSetUp(metadata, [&](grpc::ClientContext* ctx) {
      return registry->CreateOrganization(ctx, req, &out);
    });
    if (!s.ok() && s.error_code() != grpc::StatusCode::ALREADY_EXISTS) {
      return SetUpFailed("employer", s);
    }
    setup.employer = "organizations/" + uscc;
  }
  auto stub = tv1::TrainingService::NewStub(channel);
  std::string course;
  {
    tv1::CreateCourseRequest req;
    tv1::Course* c = req.mutable_course();
    c->set_title(absl::StrCat("质量管理基础（负载）", options.run));
    c->set_kind(tv1::COURSE_KIND_QUALITY_MANAGEMENT);
    c->set_hours(8);
    tv1::Course out;
    req.set_request_id(NewRequestId("setup"));
    grpc::Status s = CallForSetUp(metadata, [&](grpc::ClientContext* ctx) {
      return stub->CreateCourse(ctx, req, &out);
    });
    if (!s.ok()) return SetUpFailed("course", s);
    course = out.name();
  }
  for (int i = 0; i < options.sessions; ++i) {
    tv1::CreateSessionRequest req;
    req.set_parent(course);
    tv1::Session* s = req.mutable_session();
    s->mutable_start_date()->set_year(2026);
    s->mutable_start_date()->set_month(12);
    s->mutable_start_date()->set_day(1 + i % 28);
    *s->mutable_end_date() = s->start_date();
    s->set_place("南山区");
    s->set_provider(setup.employer);
    s->set_capacity(options.capacity);
    tv1::Session out;
    req.set_request_id(NewRequestId("setup"));
    grpc::Status st = CallForSetUp(metadata, [&](grpc::ClientContext* ctx) {
      return stub->CreateSession(ctx, req, &out);
    });
    if (!st.ok()) return SetUpFailed("session", st);
    setup.sessions.push_back(out.name());
  }
  for (int i = 0; i < options.trainees; ++i) {
    tv1::CreateTraineeRequest req;
    tv1::Trainee* t = req.mutable_trainee();
    t->set_display_name("王五");
    t->set_resident_id(ResidentIdFor(options.run * 1000 + i));
    t->set_phone("13812345678");
    t->set_employer(setup.employer);
    tv1::Trainee out;
    req.set_request_id(NewRequestId("setup"));
    grpc::Status st = CallForSetUp(metadata, [&](grpc::ClientContext* ctx) {
      return stub->CreateTrainee(ctx, req, &out);
    });
    if (!st.ok()) return SetUpFailed("trainee", st);
    setup.trainees.push_back(out.name());
  }
  return setup;
}

std::vector<Operation> TrainingMix(std::shared_ptr<grpc::Channel> channel,
                                   const TrainingSetup& setup,
                                   const TrainingMixOptions& options,
                                   TrainingLedger* ledger) {
  auto state = std::make_shared<MixState>();
  state->stub = tv1::TrainingService::NewStub(channel);
  state->ledger = ledger;
  state->sessions = setup.sessions;
  for (const std::string& s : setup.sessions) {
    for (const std::string& t : setup.trainees) state->pairs.emplace_back(s, t);
  }
  std::shuffle(state->pairs.begin(), state->pairs.end(),
               std::mt19937_64{std::random_device{}()});
  std::vector<Operation> ops;
  ops.push_back({"CreateRegistration", options.register_weight,
                 [state]() -> std::unique_ptr<Call> {
                   const size_t i = state->next++;
                   if (i >= state->pairs.size()) return nullptr;
                   return std::make_unique<RegisterCall>(
                       state, state->pairs[i].first, state->pairs[i].second);
                 }});
  ops.push_back({"GetSession", options.get_session_weight,
                 [state]() -> std::unique_ptr<Call> {
                   if (state->sessions.empty()) return nullptr;
                   const uint64_t i = state->reads++;
                   return std::make_unique<GetSessionCall>(
                       state, state->sessions[i % state->sessions.size()]);
                 }});
  return ops;
}

std::vector<std::string> VerifyTrainingLedger(db::Connection& conn,
                                              const TrainingSetup& setup,
                                              const TrainingLedger& ledger,
                                              int64_t* checked) {
  std::vector<std::string> problems = ledger.violations();
  int64_t n = 0;
  for (const std::string& session : setup.sessions) {
    auto rows = conn.Query(
        "SELECT SUM(state = ?), COUNT(*), COUNT(DISTINCT trainee_id) "
        "FROM registrations WHERE session_id = ?",
        {int64_t{tv1::Registration::STATE_CONFIRMED}, IdOf(session)});
    if (!rows.ok()) {
      problems.push_back(rows.status().ToString());
      continue;
    }
    const int64_t confirmed = (*rows)[0].IsNull(0) ? 0 : (*rows)[0].Int(0);
    if (confirmed > setup.capacity) {
      problems.push_back(absl::StrCat(session, ": ", confirmed,
                                      " confirmed for ", setup.capacity,
                                      " seats"));
    }
    if ((*rows)[0].Int(1) != (*rows)[0].Int(2)) {
      problems.push_back(absl::StrCat(session, ": a trainee registered twice"));
    }
  }
  for (const RegistrationEntry& e : ledger.entries()) {
    ++n;
    auto keys = conn.Query(
        "SELECT COUNT(*), SUM(response IS NOT NULL) FROM idempotency_keys "
        "WHERE request_id = ?",
        {e.request_id});
    auto regs = conn.Query(
        "SELECT COUNT(*), MAX(state) FROM registrations WHERE session_id = ? "
        "AND trainee_id = ?",
        {IdOf(e.session), IdOf(e.trainee)});
    if (!keys.ok() || !regs.ok()) {
      problems.push_back(absl::StrCat("cannot read ", e.request_id));
      continue;
    }
    const int64_t stored = (*regs)[0].Int(0);
    const int64_t key_rows = (*keys)[0].Int(0);
    const int64_t answered = (*keys)[0].IsNull(1) ? 0 : (*keys)[0].Int(1);
    if (e.acknowledged) {
      if (stored != 1 || IdOf(e.name) < 0) {
        problems.push_back(absl::StrCat("acknowledged ", e.name, " stored ",
                                        stored, " times"));
      } else if ((*regs)[0].Int(1) != e.state) {
        problems.push_back(absl::StrCat(e.name, " answered state ", e.state,
                                        ", stored ", (*regs)[0].Int(1)));
      }
      if (key_rows != 1 || answered != 1) {
        problems.push_back(
            absl::StrCat("acknowledged ", e.request_id, " has no answer"));
      }
    } else if (stored != key_rows || answered != key_rows) {
      problems.push_back(absl::StrCat("unacknowledged ", e.request_id, ": ",
                                      stored, " registrations, ", key_rows,
                                      " idempotency rows"));
    }
  }
  if (checked != nullptr) *checked = n;
  return problems;
}

}  // namespace qpp::load
