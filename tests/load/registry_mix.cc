#include "tests/load/registry_mix.h"

#include <atomic>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/validation/uscc.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "tests/load/mix_support.h"

namespace qpp::load {
namespace {

namespace v1 = ::qpp::registry::v1;

// Shared by the operations of one mix.
struct MixState {
  std::unique_ptr<v1::RegistryService::Stub> stub;
  RegistryMixOptions options;
  Ledger* ledger = nullptr;
  std::atomic<int> next_serial{0};
};

class CreateCall final : public Call {
 public:
  CreateCall(std::shared_ptr<MixState> state, v1::CreateOrganizationRequest req,
             bool replay_of_acknowledged, std::string expected_name)
      : state_(std::move(state)),
        req_(std::move(req)),
        replay_(replay_of_acknowledged),
        expected_name_(std::move(expected_name)) {}

  void Start(grpc::ClientContext* context,
             std::function<void(grpc::Status)> done) override {
    resp_.Clear();
    state_->stub->async()->CreateOrganization(context, &req_, &resp_,
                                              std::move(done));
  }

  void Finish(const grpc::Status& status) override {
    if (replay_) {
      // An acknowledged request id must be answered again, the same way.
      if (!status.ok()) {
        if (status.error_code() != grpc::StatusCode::UNAVAILABLE &&
            status.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED) {
          state_->ledger->AddViolation(absl::StrCat(
              "replay of ", req_.request_id(), " answered ",
              CodeName(status.error_code()), ": ", status.error_message()));
        }
      } else if (resp_.name() != expected_name_) {
        state_->ledger->AddViolation(
            absl::StrCat("replay of ", req_.request_id(), " answered ",
                         resp_.name(), ", first answer ", expected_name_));
      }
      return;
    }
    LedgerEntry entry;
    entry.request_id = req_.request_id();
    entry.uscc = req_.organization().uscc();
    entry.acknowledged = status.ok();
    entry.code = status.error_code();
    if (status.ok()) entry.name = resp_.name();
    if (status.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
      // Only this run creates these USCCs, each once: a retry of our own
      // create was taken for someone else's.
      state_->ledger->AddViolation(absl::StrCat(
          "create ", req_.request_id(), " answered ALREADY_EXISTS on retry"));
    }
    state_->ledger->Add(std::move(entry));
  }

 private:
  std::shared_ptr<MixState> state_;
  v1::CreateOrganizationRequest req_;
  v1::Organization resp_;
  bool replay_;
  std::string expected_name_;
};

// The create of the organisation with `serial`: the same request every time,
// so that a replay carries the fingerprint of the first.
v1::CreateOrganizationRequest CreateFor(const RegistryMixOptions& options,
                                        int serial, std::string request_id) {
  v1::CreateOrganizationRequest req;
  req.set_request_id(std::move(request_id));
  v1::Organization* org = req.mutable_organization();
  org->set_uscc(UsccForSerial(serial));
  org->set_display_name(absl::StrCat("深圳市负载测试", serial, "有限公司"));
  org->set_kind(v1::ORGANIZATION_KIND_ENTERPRISE);
  org->set_district_code(options.district_code);
  org->set_industry_code("39");
  org->set_employees(120 + serial % 500);
  org->set_annual_revenue_yuan(int64_t{50'000'000} + serial % 1000);
  return req;
}

class GetCall final : public Call {
 public:
  GetCall(std::shared_ptr<MixState> state, LedgerEntry entry)
      : state_(std::move(state)), entry_(std::move(entry)) {
    req_.set_name(entry_.name);
  }
  void Start(grpc::ClientContext* context,
             std::function<void(grpc::Status)> done) override {
    state_->stub->async()->GetOrganization(context, &req_, &resp_,
                                           std::move(done));
  }
  void Finish(const grpc::Status& status) override {
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
      state_->ledger->AddViolation(
          absl::StrCat("acknowledged ", entry_.name, " not found"));
    } else if (status.ok() && resp_.uscc() != entry_.uscc) {
      state_->ledger->AddViolation(
          absl::StrCat("read ", entry_.name, " answered USCC ", resp_.uscc()));
    }
  }

 private:
  std::shared_ptr<MixState> state_;
  LedgerEntry entry_;
  v1::GetOrganizationRequest req_;
  v1::Organization resp_;
};

class ListCall final : public Call {
 public:
  explicit ListCall(std::shared_ptr<MixState> state)
      : state_(std::move(state)) {
    req_.set_page_size(20);
    req_.set_district_code(state_->options.district_code);
  }
  void Start(grpc::ClientContext* context,
             std::function<void(grpc::Status)> done) override {
    state_->stub->async()->ListOrganizations(context, &req_, &resp_,
                                             std::move(done));
  }

 private:
  std::shared_ptr<MixState> state_;
  v1::ListOrganizationsRequest req_;
  v1::ListOrganizationsResponse resp_;
};

}  // namespace

void Ledger::Add(LedgerEntry entry) {
  std::lock_guard<std::mutex> lock(mu_);
  if (entry.acknowledged) acknowledged_.push_back(entries_.size());
  entries_.push_back(std::move(entry));
}

bool Ledger::PickAcknowledged(LedgerEntry* out) {
  std::lock_guard<std::mutex> lock(mu_);
  if (acknowledged_.empty()) return false;
  // A multiplicative walk: spread over old and new entries alike.
  pick_ = pick_ * 6364136223846793005ULL + 1442695040888963407ULL;
  *out = entries_[acknowledged_[(pick_ >> 33) % acknowledged_.size()]];
  return true;
}

void Ledger::AddViolation(std::string what) {
  std::lock_guard<std::mutex> lock(mu_);
  violations_.push_back(std::move(what));
}

std::vector<LedgerEntry> Ledger::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_;
}

std::vector<std::string> Ledger::violations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return violations_;
}

int64_t Ledger::acknowledged() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(acknowledged_.size());
}

std::string UsccForSerial(int serial) {
  std::string first17 = absl::StrCat(
      "91440300", absl::StrFormat("%08d", serial % 100000000), "6");
  auto check = validation::UsccCheckCharacter(first17);
  return first17 + std::string(1, check.value_or('0'));
}

std::vector<Operation> RegistryMix(std::shared_ptr<grpc::Channel> channel,
                                   const RegistryMixOptions& options,
                                   Ledger* ledger) {
  auto state = std::make_shared<MixState>();
  state->stub = v1::RegistryService::NewStub(channel);
  state->options = options;
  state->ledger = ledger;
  std::vector<Operation> ops;
  ops.push_back(
      {"CreateOrganization", options.create_weight,
       [state]() -> std::unique_ptr<Call> {
         const int serial = state->options.serial_base + state->next_serial++;
         return std::make_unique<CreateCall>(
             state, CreateFor(state->options, serial, NewRequestId("load")),
             false, "");
       }});
  ops.push_back({"GetOrganization", options.get_weight,
                 [state]() -> std::unique_ptr<Call> {
                   LedgerEntry entry;
                   if (!state->ledger->PickAcknowledged(&entry)) return nullptr;
                   return std::make_unique<GetCall>(state, std::move(entry));
                 }});
  ops.push_back({"ListOrganizations", options.list_weight,
                 [state]() -> std::unique_ptr<Call> {
                   return std::make_unique<ListCall>(state);
                 }});
  ops.push_back({"CreateOrganization(replay)", options.replay_weight,
                 [state]() -> std::unique_ptr<Call> {
                   LedgerEntry entry;
                   if (!state->ledger->PickAcknowledged(&entry)) return nullptr;
                   // The same request as the acknowledged one, rebuilt from its
                   // serial: the USCC's characters 9–16.
                   const int serial = std::stoi(entry.uscc.substr(8, 8));
                   return std::make_unique<CreateCall>(
                       state,
                       CreateFor(state->options, serial, entry.request_id),
                       true, entry.name);
                 }});
  return ops;
}

std::vector<std::string> VerifyRegistryLedger(db::Connection& conn,
                                              const Ledger& ledger,
                                              int64_t* checked) {
  std::vector<std::string> problems = ledger.violations();
  int64_t n = 0;
  for (const LedgerEntry& e : ledger.entries()) {
    ++n;
    auto orgs = conn.Query("SELECT COUNT(*) FROM organizations WHERE uscc = ?",
                           {e.uscc});
    auto keys = conn.Query(
        "SELECT COUNT(*), SUM(response IS NOT NULL) FROM idempotency_keys "
        "WHERE request_id = ?",
        {e.request_id});
    if (!orgs.ok() || !keys.ok()) {
      problems.push_back(absl::StrCat(
          "cannot read ", e.uscc, ": ",
          (!orgs.ok() ? orgs.status() : keys.status()).ToString()));
      continue;
    }
    const int64_t org_rows = (*orgs)[0].Int(0);
    const int64_t key_rows = (*keys)[0].Int(0);
    const int64_t answered = (*keys)[0].IsNull(1) ? 0 : (*keys)[0].Int(1);
    if (e.acknowledged) {
      if (org_rows != 1) {
        problems.push_back(absl::StrCat("acknowledged ", e.name, " stored ",
                                        org_rows, " times"));
      }
      if (e.name != absl::StrCat("organizations/", e.uscc)) {
        problems.push_back(absl::StrCat("acknowledged ", e.uscc,
                                        " answered with name ", e.name));
      }
      if (key_rows != 1 || answered != 1) {
        problems.push_back(absl::StrCat("acknowledged ", e.request_id,
                                        " has no stored answer"));
      }
    } else if (org_rows != key_rows || answered != key_rows) {
      // Half-written: the organisation without its idempotency record, or
      // the reverse, or a record without the answer.
      problems.push_back(
          absl::StrCat("unacknowledged ", e.request_id, " (", CodeName(e.code),
                       "): ", org_rows, " organisation rows, ", key_rows,
                       " idempotency rows, ", answered, " answers"));
    }
  }
  if (checked != nullptr) *checked = n;
  return problems;
}

}  // namespace qpp::load
