#include "tests/load/demobase_mix.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <random>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/dates/dates.h"
#include "qpp/demobase/v1/demobase_service.grpc.pb.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "tests/load/mix_support.h"
#include "tests/load/registry_mix.h"

namespace qpp::load {
namespace {

namespace dv1 = ::qpp::demobase::v1;
namespace rv1 = ::qpp::registry::v1;

bool Retryable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE ||
         code == grpc::StatusCode::DEADLINE_EXCEEDED;
}

// Shared by the operations of one mix; make() and Finish() run on the
// engine's thread only, so the generator needs no lock.
struct MixState {
  std::unique_ptr<dv1::DemoBaseService::Stub> stub;
  DemobaseSetup setup;
  DemobaseMixOptions options;
  DemobaseLedger* ledger = nullptr;
  std::mt19937_64 rng{std::random_device{}()};
};

class RegisterCall final : public Call {
 public:
  RegisterCall(std::shared_ptr<MixState> state, const std::string& event,
               int headcount)
      : state_(std::move(state)) {
    req_.set_request_id(NewRequestId("demo"));
    req_.set_parent(event);
    dv1::Registration* r = req_.mutable_registration();
    r->set_visitor_kind(dv1::VISITOR_KIND_GROUP);
    r->set_organization(state_->setup.organization);
    r->set_contact_name("李建国");
    r->set_contact_phone("13912345678");
    r->set_headcount(headcount);
  }
  void Start(grpc::ClientContext* context,
             std::function<void(grpc::Status)> done) override {
    resp_.Clear();
    state_->stub->async()->CreateRegistration(context, &req_, &resp_,
                                              std::move(done));
  }
  void Finish(const grpc::Status& status) override {
    DemobaseRegistrationEntry e;
    e.request_id = req_.request_id();
    e.event = req_.parent();
    e.headcount = req_.registration().headcount();
    e.acknowledged = status.ok();
    e.code = status.error_code();
    if (status.ok()) {
      e.name = resp_.name();
      if (!absl::StartsWith(resp_.name(), e.event + "/registrations/") ||
          resp_.headcount() != e.headcount ||
          resp_.state() != dv1::REGISTRATION_STATE_CONFIRMED) {
        state_->ledger->AddViolation(absl::StrCat(
            "registration ", e.request_id, " for ", e.event, " of ",
            e.headcount, " answered ", resp_.ShortDebugString()));
      }
    } else if (status.error_code() != grpc::StatusCode::FAILED_PRECONDITION &&
               !Retryable(status.error_code())) {
      // Seats running out is an answer (FAILED_PRECONDITION); the events
      // are in the future and scheduled, so nothing else may refuse.
      state_->ledger->AddViolation(absl::StrCat(
          "registration ", e.request_id, " answered ",
          CodeName(status.error_code()), ": ", status.error_message()));
    }
    state_->ledger->AddRegistration(std::move(e));
  }

 private:
  std::shared_ptr<MixState> state_;
  dv1::CreateRegistrationRequest req_;
  dv1::Registration resp_;
};

class CancelCall final : public Call {
 public:
  CancelCall(std::shared_ptr<MixState> state, const std::string& name)
      : state_(std::move(state)) {
    req_.set_request_id(NewRequestId("demo-cancel"));
    req_.set_name(name);
  }
  void Start(grpc::ClientContext* context,
             std::function<void(grpc::Status)> done) override {
    resp_.Clear();
    state_->stub->async()->CancelRegistration(context, &req_, &resp_,
                                              std::move(done));
  }
  void Finish(const grpc::Status& status) override {
    DemobaseCancellationEntry e;
    e.request_id = req_.request_id();
    e.registration = req_.name();
    e.acknowledged = status.ok();
    e.code = status.error_code();
    if (status.ok() && (resp_.name() != req_.name() ||
                        resp_.state() != dv1::REGISTRATION_STATE_CANCELLED)) {
      state_->ledger->AddViolation(absl::StrCat("cancellation of ", req_.name(),
                                                " answered ",
                                                resp_.ShortDebugString()));
    } else if (!status.ok() && !Retryable(status.error_code())) {
      // Each registration is cancelled once: ALREADY_CANCELLED means a
      // retry was taken for a second cancellation.
      state_->ledger->AddViolation(absl::StrCat(
          "cancellation ", e.request_id, " of ", req_.name(), " answered ",
          CodeName(status.error_code()), ": ", status.error_message()));
    }
    state_->ledger->AddCancellation(std::move(e));
  }

 private:
  std::shared_ptr<MixState> state_;
  dv1::CancelRegistrationRequest req_;
  dv1::Registration resp_;
};

class CalendarCall final : public Call {
 public:
  explicit CalendarCall(std::shared_ptr<MixState> state)
      : state_(std::move(state)) {
    req_.set_parent(state_->setup.base);
    *req_.mutable_start_date() =
        dates::ToDate(absl::CivilDay(state_->setup.year, 6, 1));
    *req_.mutable_end_date() =
        dates::ToDate(absl::CivilDay(state_->setup.year, 6, 30));
    req_.set_page_size(50);
  }
  void Start(grpc::ClientContext* context,
             std::function<void(grpc::Status)> done) override {
    resp_.Clear();
    state_->stub->async()->ListOpenEvents(context, &req_, &resp_,
                                          std::move(done));
  }
  void Finish(const grpc::Status& status) override {
    const int expected = std::min(static_cast<int>(state_->setup.events.size()),
                                  req_.page_size());
    if (status.ok() && resp_.open_events_size() != expected) {
      state_->ledger->AddViolation(
          absl::StrCat("calendar of ", state_->setup.base, " listed ",
                       resp_.open_events_size(), " of ", expected, " events"));
    }
  }

 private:
  std::shared_ptr<MixState> state_;
  dv1::ListOpenEventsRequest req_;
  dv1::ListOpenEventsResponse resp_;
};

// The organisation and its award in the registry; ALREADY_EXISTS is fine
// (a second run with the same `run`).
absl::Status SetUpOrganization(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::vector<std::pair<std::string, std::string>>& metadata,
    const std::string& uscc, int run) {
  auto registry = rv1::RegistryService::NewStub(channel);
  rv1::CreateOrganizationRequest org;
  org.mutable_organization()->set_uscc(uscc);
  org.mutable_organization()->set_display_name(
      absl::StrCat("深圳市示范负载", run, "号医院"));
  org.mutable_organization()->set_kind(
      rv1::ORGANIZATION_KIND_PUBLIC_INSTITUTION);
  org.mutable_organization()->set_district_code("440305");
  org.mutable_organization()->set_industry_code("84");
  rv1::Organization created;
  org.set_request_id(NewRequestId("setup"));
  grpc::Status s = CallForSetUp(metadata, [&](grpc::ClientContext* ctx) {
    return registry->CreateOrganization(ctx, org, &created);
  });
  if (!s.ok() && s.error_code() != grpc::StatusCode::ALREADY_EXISTS) {
    return SetUpFailed("organisation", s);
  }
  rv1::CreateAwardRecordRequest award;
  award.set_parent("organizations/" + uscc);
  award.mutable_award_record()->set_year(2020);
  award.mutable_award_record()->set_level(rv1::AWARD_LEVEL_GRAND_AWARD);
  award.mutable_award_record()->set_category("服务业");
  rv1::AwardRecord record;
  award.set_request_id(NewRequestId("setup"));
  s = CallForSetUp(metadata, [&](grpc::ClientContext* ctx) {
    return registry->CreateAwardRecord(ctx, award, &record);
  });
  if (!s.ok() && s.error_code() != grpc::StatusCode::ALREADY_EXISTS) {
    return SetUpFailed("award", s);
  }
  return absl::OkStatus();
}

// The first answer stored under `request_id`: whether a key row exists,
// and its response when it has one.
struct StoredAnswer {
  bool key = false;
  bool answered = false;
  std::string response;
};

absl::StatusOr<StoredAnswer> ReadAnswer(db::Connection& conn,
                                        const std::string& request_id) {
  auto rows =
      conn.Query("SELECT response FROM idempotency_keys WHERE request_id = ?",
                 {request_id});
  if (!rows.ok()) return rows.status();
  StoredAnswer out;
  if (rows->empty()) return out;
  out.key = true;
  out.answered = !(*rows)[0].IsNull(0);
  if (out.answered) out.response = (*rows)[0].String(0);
  return out;
}

// A registration row: its event, headcount and state; event -1 if absent.
struct StoredRegistration {
  int64_t event = -1;
  int64_t headcount = 0;
  int64_t state = 0;
};

absl::StatusOr<StoredRegistration> ReadRegistration(db::Connection& conn,
                                                    int64_t id) {
  auto rows = conn.Query(
      "SELECT event_id, headcount, state FROM registrations WHERE id = ?",
      {id});
  if (!rows.ok()) return rows.status();
  StoredRegistration out;
  if (!rows->empty()) {
    out.event = (*rows)[0].Int(0);
    out.headcount = (*rows)[0].Int(1);
    out.state = (*rows)[0].Int(2);
  }
  return out;
}

}  // namespace

void DemobaseLedger::AddRegistration(DemobaseRegistrationEntry entry) {
  std::lock_guard<std::mutex> lock(mu_);
  if (entry.acknowledged) {
    ++acknowledged_;
    cancellable_.push_back(entry.name);
  }
  registrations_.push_back(std::move(entry));
}

void DemobaseLedger::AddCancellation(DemobaseCancellationEntry entry) {
  std::lock_guard<std::mutex> lock(mu_);
  if (entry.acknowledged) ++cancelled_;
  cancellations_.push_back(std::move(entry));
}

void DemobaseLedger::AddViolation(std::string what) {
  std::lock_guard<std::mutex> lock(mu_);
  violations_.push_back(std::move(what));
}

bool DemobaseLedger::TakeForCancellation(std::string* name) {
  std::lock_guard<std::mutex> lock(mu_);
  if (cancellable_.empty()) return false;
  pick_ = pick_ * 6364136223846793005ULL + 1442695040888963407ULL;
  const size_t i = (pick_ >> 33) % cancellable_.size();
  *name = std::move(cancellable_[i]);
  cancellable_[i] = std::move(cancellable_.back());
  cancellable_.pop_back();
  return true;
}

std::vector<DemobaseRegistrationEntry> DemobaseLedger::registrations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return registrations_;
}

std::vector<DemobaseCancellationEntry> DemobaseLedger::cancellations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cancellations_;
}

std::vector<std::string> DemobaseLedger::violations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return violations_;
}

int64_t DemobaseLedger::acknowledged() const {
  std::lock_guard<std::mutex> lock(mu_);
  return acknowledged_;
}

int64_t DemobaseLedger::cancelled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cancelled_;
}

absl::StatusOr<DemobaseSetup> SetUpDemobase(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::vector<std::pair<std::string, std::string>>& metadata,
    const DemobaseMixOptions& options) {
  DemobaseSetup setup;
  setup.capacity = options.capacity;
  setup.year = 2030 + options.run % 70;
  const std::string uscc = UsccForSerial(80'000'000 + options.run % 10'000'000);
  setup.organization = "organizations/" + uscc;
  if (absl::Status s = SetUpOrganization(channel, metadata, uscc, options.run);
      !s.ok()) {
    return s;
  }
  auto stub = dv1::DemoBaseService::NewStub(channel);
  {
    dv1::CreateDemonstrationBaseRequest req;
    dv1::DemonstrationBase* b = req.mutable_demonstration_base();
    b->set_organization(setup.organization);
    b->set_year(setup.year);
    b->set_theme("卓越绩效医院管理");
    b->set_industry("医疗卫生");
    dv1::DemonstrationBase out;
    req.set_request_id(NewRequestId("setup"));
    grpc::Status s = CallForSetUp(metadata, [&](grpc::ClientContext* ctx) {
      return stub->CreateDemonstrationBase(ctx, req, &out);
    });
    if (!s.ok()) return SetUpFailed("base", s);
    setup.base = out.name();
  }
  for (int i = 0; i < options.events; ++i) {
    dv1::CreateOpenEventRequest req;
    req.set_parent(setup.base);
    dv1::OpenEvent* e = req.mutable_open_event();
    e->set_kind(i % 2 == 0 ? dv1::EVENT_KIND_OPEN_VISIT
                           : dv1::EVENT_KIND_RESULTS_SHARING);
    e->set_topic(absl::StrCat("卓越绩效开放日（负载）第", i + 1, "期"));
    e->set_place("深圳市南山区");
    e->set_capacity(options.capacity);
    const absl::Time start =
        absl::FromCivil(absl::CivilSecond(setup.year, 6, 1 + i % 28, 9, 0, 0),
                        dates::ChinaTime());
    *e->mutable_start_time() = dates::ToTimestamp(start);
    *e->mutable_end_time() = dates::ToTimestamp(start + absl::Hours(3));
    dv1::OpenEvent out;
    req.set_request_id(NewRequestId("setup"));
    grpc::Status s = CallForSetUp(metadata, [&](grpc::ClientContext* ctx) {
      return stub->CreateOpenEvent(ctx, req, &out);
    });
    if (!s.ok()) return SetUpFailed("event", s);
    setup.events.push_back(out.name());
  }
  return setup;
}

std::vector<Operation> DemobaseMix(std::shared_ptr<grpc::Channel> channel,
                                   const DemobaseSetup& setup,
                                   const DemobaseMixOptions& options,
                                   DemobaseLedger* ledger) {
  auto state = std::make_shared<MixState>();
  state->stub = dv1::DemoBaseService::NewStub(channel);
  state->setup = setup;
  state->options = options;
  state->ledger = ledger;
  std::vector<Operation> ops;
  ops.push_back(
      {kDemobaseRegister, options.register_weight,
       [state]() -> std::unique_ptr<Call> {
         if (state->setup.events.empty()) return nullptr;
         const auto& events = state->setup.events;
         const std::string& event = events[state->rng() % events.size()];
         const int headcount =
             1 + static_cast<int>(state->rng() %
                                  std::max(1, state->options.max_headcount));
         return std::make_unique<RegisterCall>(state, event, headcount);
       }});
  ops.push_back({"CancelRegistration(demobase)", options.cancel_weight,
                 [state]() -> std::unique_ptr<Call> {
                   std::string name;
                   if (!state->ledger->TakeForCancellation(&name)) {
                     return nullptr;
                   }
                   return std::make_unique<CancelCall>(state, name);
                 }});
  ops.push_back({"ListOpenEvents(demobase)", options.calendar_weight,
                 [state]() -> std::unique_ptr<Call> {
                   return std::make_unique<CalendarCall>(state);
                 }});
  return ops;
}

std::vector<std::string> VerifyDemobaseLedger(db::Connection& conn,
                                              const DemobaseSetup& setup,
                                              const DemobaseLedger& ledger,
                                              int64_t* checked) {
  std::vector<std::string> problems = ledger.violations();
  const std::vector<DemobaseCancellationEntry> cancellations =
      ledger.cancellations();
  // Registrations whose cancellation was acknowledged, or sent without an
  // answer (either state is then right).
  std::set<std::string> cancelled, maybe_cancelled;
  int64_t n = 0;
  for (const DemobaseCancellationEntry& c : cancellations) {
    ++n;
    (c.acknowledged ? cancelled : maybe_cancelled).insert(c.registration);
    auto answer = ReadAnswer(conn, c.request_id);
    auto row = ReadRegistration(conn, IdOf(c.registration));
    if (!answer.ok() || !row.ok()) {
      problems.push_back(absl::StrCat("cannot read ", c.request_id));
      continue;
    }
    const bool stored_cancelled =
        row->state == dv1::REGISTRATION_STATE_CANCELLED;
    if (answer->key && !answer->answered) {
      problems.push_back(absl::StrCat("cancellation ", c.request_id,
                                      " has a key without an answer"));
    } else if (c.acknowledged && (!answer->key || !stored_cancelled)) {
      problems.push_back(absl::StrCat("acknowledged cancellation of ",
                                      c.registration, " not stored"));
    } else if (!c.acknowledged && answer->key != stored_cancelled) {
      problems.push_back(absl::StrCat("unacknowledged cancellation of ",
                                      c.registration, " half-written"));
    }
  }

  // Registration rows that are the answer of a request id, per event.
  std::map<int64_t, int64_t> answered_rows;
  for (const DemobaseRegistrationEntry& e : ledger.registrations()) {
    ++n;
    auto answer = ReadAnswer(conn, e.request_id);
    if (!answer.ok()) {
      problems.push_back(absl::StrCat("cannot read ", e.request_id));
      continue;
    }
    if (answer->key && !answer->answered) {
      problems.push_back(absl::StrCat("registration ", e.request_id,
                                      " has a key without an answer"));
      continue;
    }
    if (!answer->key) {
      if (e.acknowledged) {
        problems.push_back(absl::StrCat("acknowledged ", e.name,
                                        " has no idempotency record"));
      }
      continue;  // refused or never applied: nothing was written
    }
    if (e.code == grpc::StatusCode::FAILED_PRECONDITION) {
      problems.push_back(
          absl::StrCat("refused registration ", e.request_id, " was stored"));
      continue;
    }
    dv1::Registration stored_answer;
    if (!stored_answer.ParseFromString(answer->response)) {
      problems.push_back(
          absl::StrCat("answer of ", e.request_id, " unreadable"));
      continue;
    }
    if (e.acknowledged && stored_answer.name() != e.name) {
      problems.push_back(absl::StrCat(
          "acknowledged ", e.name, " stored as answer ", stored_answer.name()));
    }
    auto row = ReadRegistration(conn, IdOf(stored_answer.name()));
    if (!row.ok()) {
      problems.push_back(absl::StrCat("cannot read ", stored_answer.name()));
      continue;
    }
    if (row->event != IdOf(e.event) || row->headcount != e.headcount) {
      problems.push_back(absl::StrCat(
          stored_answer.name(), " (", e.request_id, ") stored for event ",
          row->event, " with ", row->headcount, " people, sent for ", e.event,
          " with ", e.headcount));
      continue;
    }
    ++answered_rows[row->event];
    const std::string& name = stored_answer.name();
    if (!maybe_cancelled.count(name) > 0) {
      const int64_t want = cancelled.count(name) > 0
                               ? dv1::REGISTRATION_STATE_CANCELLED
                               : dv1::REGISTRATION_STATE_CONFIRMED;
      if (row->state != want) {
        problems.push_back(absl::StrCat(name, " stored in state ", row->state,
                                        ", expected ", want));
      }
    }
  }

  for (const std::string& event : setup.events) {
    const int64_t id = IdOf(event);
    auto ev = conn.Query(
        "SELECT capacity, confirmed_headcount FROM open_events WHERE id = ?",
        {id});
    auto sums = conn.Query(
        "SELECT COALESCE(SUM(CASE WHEN state = ? THEN headcount END), 0), "
        "COUNT(*) FROM registrations WHERE event_id = ?",
        {int64_t{dv1::REGISTRATION_STATE_CONFIRMED}, id});
    if (!ev.ok() || !sums.ok() || ev->empty()) {
      problems.push_back(absl::StrCat("cannot read ", event));
      continue;
    }
    const int64_t capacity = (*ev)[0].Int(0);
    const int64_t confirmed = (*ev)[0].Int(1);
    const int64_t sum = (*sums)[0].Int(0);
    const int64_t rows = (*sums)[0].Int(1);
    if (confirmed > capacity || sum > capacity) {
      problems.push_back(absl::StrCat(event, ": ", sum, " people confirmed (",
                                      confirmed, " counted) for ", capacity,
                                      " seats"));
    }
    if (confirmed != sum) {
      problems.push_back(absl::StrCat(event, ": confirmed headcount ",
                                      confirmed, ", registrations hold ", sum));
    }
    if (rows != answered_rows[id]) {
      problems.push_back(absl::StrCat(event, ": ", rows,
                                      " registrations stored, ",
                                      answered_rows[id], " answered"));
    }
  }
  if (checked != nullptr) *checked = n;
  return problems;
}

}  // namespace qpp::load
