#include "services/gateway/src/progress.h"

#include <algorithm>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "common/metrics/metrics.h"
#include "common/status/grpc_status.h"
#include "common/status/status.h"
#include "grpcpp/client_context.h"
#include "qpp/cultivation/v1/cultivation_service.grpc.pb.h"
#include "qpp/demobase/v1/demobase_service.grpc.pb.h"
#include "qpp/gateway/v1/progress_service.pb.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "qpp/training/v1/training_service.grpc.pb.h"
#include "services/gateway/src/gateway.h"

namespace qpp::gateway {
namespace {

using v1::ProgrammeProgress;
using v1::TargetProgress;

constexpr char kRegistry[] = "qpp.registry.v1.RegistryService";
constexpr char kTraining[] = "qpp.training.v1.TrainingService";
constexpr char kDemoBase[] = "qpp.demobase.v1.DemoBaseService";
constexpr char kCultivation[] = "qpp.cultivation.v1.CultivationService";

class RegistryFigures final : public FigureSource {
 public:
  std::string service() const override { return kRegistry; }

  void Fetch(int year, std::shared_ptr<grpc::Channel> channel,
             const OutboundCall& call,
             std::function<void(absl::StatusOr<Figures>)> done) override {
    struct State {
      std::unique_ptr<registry::v1::RegistryService::Stub> stub;
      grpc::ClientContext ctx;
      registry::v1::GetTargetCountsRequest request;
      registry::v1::TargetCounts response;
    };
    auto state = std::make_shared<State>();
    state->stub = registry::v1::RegistryService::NewStub(channel);
    state->ctx.set_deadline(call.deadline);
    state->ctx.AddMetadata(kRequestIdHeader, call.request_id);
    state->ctx.AddMetadata(kPrincipalHeader, call.principal);
    state->request.set_year(year);
    state->stub->async()->GetTargetCounts(
        &state->ctx, &state->request, &state->response,
        [state, done = std::move(done)](grpc::Status s) {
          if (!s.ok()) {
            done(absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                              s.error_message()));
            return;
          }
          // The plan's own figures: industries with a benchmark, enterprises
          // improved inside the plan's window, enterprises (not every kind
          // of organisation) that introduced the model, and the flagged key
          // enterprises running it.
          const registry::v1::TargetCounts& c = state->response;
          Figures f;
          f["10"] = c.benchmark_industries();
          f["100"] = c.improved_enterprises();
          f["1000"] = c.introduced_enterprises();
          f["key_enterprises"] = c.key_enterprises_running();
          done(std::move(f));
        });
  }
};

class TrainingFigures final : public FigureSource {
 public:
  std::string service() const override { return kTraining; }

  void Fetch(int year, std::shared_ptr<grpc::Channel> channel,
             const OutboundCall& call,
             std::function<void(absl::StatusOr<Figures>)> done) override {
    struct State {
      std::unique_ptr<training::v1::TrainingService::Stub> stub;
      grpc::ClientContext ctx;
      training::v1::GetTrainingStatisticsRequest request;
      training::v1::TrainingStatistics response;
    };
    auto state = std::make_shared<State>();
    state->stub = training::v1::TrainingService::NewStub(channel);
    state->ctx.set_deadline(call.deadline);
    state->ctx.AddMetadata(kRequestIdHeader, call.request_id);
    state->ctx.AddMetadata(kPrincipalHeader, call.principal);
    state->request.set_year(year);
    state->stub->async()->GetTrainingStatistics(
        &state->ctx, &state->request, &state->response,
        [state, done = std::move(done)](grpc::Status s) {
          if (!s.ok()) {
            done(absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                              s.error_message()));
            return;
          }
          // "10000": distinct people trained by the end of the year.
          Figures f;
          f["10000"] = state->response.to_date().people_trained();
          done(std::move(f));
        });
  }
};

class DemoBaseFigures final : public FigureSource {
 public:
  std::string service() const override { return kDemoBase; }

  void Fetch(int year, std::shared_ptr<grpc::Channel> channel,
             const OutboundCall& call,
             std::function<void(absl::StatusOr<Figures>)> done) override {
    struct State {
      std::unique_ptr<demobase::v1::DemoBaseService::Stub> stub;
      grpc::ClientContext ctx;
      demobase::v1::GetDemoBaseStatisticsRequest request;
      demobase::v1::DemoBaseStatistics response;
    };
    auto state = std::make_shared<State>();
    state->stub = demobase::v1::DemoBaseService::NewStub(channel);
    state->ctx.set_deadline(call.deadline);
    state->ctx.AddMetadata(kRequestIdHeader, call.request_id);
    state->ctx.AddMetadata(kPrincipalHeader, call.principal);
    state->request.set_year(year);
    state->stub->async()->GetDemoBaseStatistics(
        &state->ctx, &state->request, &state->response,
        [state, done = std::move(done)](grpc::Status s) {
          if (!s.ok()) {
            done(absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                              s.error_message()));
            return;
          }
          const demobase::v1::DemoBaseStatistics& d = state->response;
          Figures f;
          f["demonstration_bases"] = d.bases_designated();
          f["demonstration_bases.goal"] = d.min_bases_per_year();
          f["open_events_held"] = d.events_held();
          f["visitors"] = d.visitors();
          done(std::move(f));
        });
  }
};

class CultivationFigures final : public FigureSource {
 public:
  std::string service() const override { return kCultivation; }

  void Fetch(int year, std::shared_ptr<grpc::Channel> channel,
             const OutboundCall& call,
             std::function<void(absl::StatusOr<Figures>)> done) override {
    struct State {
      std::unique_ptr<cultivation::v1::CultivationService::Stub> stub;
      grpc::ClientContext ctx;
      cultivation::v1::GetCultivationStatisticsRequest request;
      cultivation::v1::CultivationStatistics response;
    };
    auto state = std::make_shared<State>();
    state->stub = cultivation::v1::CultivationService::NewStub(channel);
    state->ctx.set_deadline(call.deadline);
    state->ctx.AddMetadata(kRequestIdHeader, call.request_id);
    state->ctx.AddMetadata(kPrincipalHeader, call.principal);
    state->request.set_year(year);
    state->stub->async()->GetCultivationStatistics(
        &state->ctx, &state->request, &state->response,
        [state, done = std::move(done)](grpc::Status s) {
          if (!s.ok()) {
            done(absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                              s.error_message()));
            return;
          }
          // Active enrolments against the library cap ("百家"), the
          // year's end-of-term acceptances, and the growth-plan
          // enterprises holding a passed compliance review.
          const cultivation::v1::CultivationStatistics& c = state->response;
          Figures f;
          f["active_enrollments"] = c.active_enrollments();
          f["active_enrollments.goal"] = c.library_cap();
          f["accepted_enrollments"] = c.accepted();
          f["growth_plan_review_passed"] = c.growth_plan_review_passed();
          done(std::move(f));
        });
  }
};

struct TargetSpec {
  const char* id;
  const char* title;
  const char* service;  // owner, "" for qualitative
};

constexpr TargetSpec kTargets[] = {
    {"1", "A government quality award that is a national model", ""},
    {"10", "Industries with a designated quality benchmark", kRegistry},
    {"100", "Enterprises whose performance measurably improved", kRegistry},
    {"1000", "Enterprises that introduced the excellence model", kRegistry},
    {"10000", "People who took quality training", kTraining},
};

constexpr TargetSpec kSupporting[] = {
    {"demonstration_bases", "Demonstration bases designated for the year",
     kDemoBase},
    {"open_events_held", "Open events of demonstration bases held in the year",
     kDemoBase},
    {"visitors", "Visitors received at the open events held in the year",
     kDemoBase},
    {"active_enrollments",
     "Enterprises in the key-enterprise library (active enrolments)",
     kCultivation},
    {"accepted_enrollments",
     "Enrolments that passed the end-of-term acceptance in the year",
     kCultivation},
    {"growth_plan_review_passed",
     "Growth-plan enterprises that passed the compliance review", kCultivation},
};

constexpr TargetSpec kPhase = {"key_enterprises",
                               "Key enterprises running the excellence model",
                               kRegistry};

}  // namespace

std::unique_ptr<FigureSource> NewRegistryFigures() {
  return std::make_unique<RegistryFigures>();
}

std::unique_ptr<FigureSource> NewTrainingFigures() {
  return std::make_unique<TrainingFigures>();
}

std::unique_ptr<FigureSource> NewDemoBaseFigures() {
  return std::make_unique<DemoBaseFigures>();
}

std::unique_ptr<FigureSource> NewCultivationFigures() {
  return std::make_unique<CultivationFigures>();
}

ProgressUpstream::ProgressUpstream(ProgressPlan plan,
                                   const BackendSet* backends)
    : plan_(plan), backends_(backends) {
  sources_.push_back(NewRegistryFigures());
  sources_.push_back(NewTrainingFigures());
  sources_.push_back(NewDemoBaseFigures());
  sources_.push_back(NewCultivationFigures());
}

void ProgressUpstream::CallUnary(const OutboundCall& call,
                                 grpc::ClientContext* ctx,
                                 const std::string& method,
                                 const grpc::ByteBuffer* request,
                                 grpc::ByteBuffer* response,
                                 std::function<void(grpc::Status)> done) {
  if (method != "/qpp.gateway.v1.ProgressService/GetProgrammeProgress") {
    done(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "unknown method"));
    return;
  }
  v1::GetProgrammeProgressRequest req;
  grpc::Slice slice;
  if (!request->DumpToSingleSlice(&slice).ok() ||
      !req.ParseFromArray(slice.begin(), static_cast<int>(slice.size()))) {
    done(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "malformed request"));
    return;
  }
  if (req.year() < 2000 || req.year() > 2100) {
    done(status::ToGrpcStatus(
        status::InvalidField("year", "must be between 2000 and 2100")));
    return;
  }

  // Shared by the fan-out; the last answer builds the response.
  struct Gather {
    std::mutex mu;
    int pending = 0;
    std::map<std::string, absl::StatusOr<Figures>> by_service;
  };
  auto gather = std::make_shared<Gather>();
  std::vector<std::pair<FigureSource*, std::shared_ptr<grpc::Channel>>> calls;
  for (const auto& source : sources_) {
    auto channel = backends_->ChannelFor(source->service());
    if (channel != nullptr) calls.emplace_back(source.get(), channel);
  }
  const int year = req.year();
  const ProgressPlan plan = plan_;
  const BackendSet* backends = backends_;
  std::vector<std::string> known_sources;
  for (const auto& s : sources_) known_sources.push_back(s->service());

  // Not stored in `gather`, so that no reference cycle keeps either alive.
  auto finish = std::make_shared<std::function<void()>>([gather, year, plan,
                                                         backends,
                                                         known_sources,
                                                         response, done]() {
    ProgrammeProgress out;
    out.set_year(year);
    out.set_plan_start_year(plan.start_year);
    out.set_plan_year(year - plan.start_year + 1);
    auto fill = [&](const TargetSpec& spec, int64_t goal, TargetProgress* t) {
      t->set_id(spec.id);
      t->set_title(spec.title);
      t->set_source_service(spec.service);
      if (spec.service[0] == '\0') {
        t->set_kind(v1::TARGET_KIND_QUALITATIVE);
        t->set_unavailable_reason(
            "qualitative target; not tracked as a figure");
        return;
      }
      t->set_kind(v1::TARGET_KIND_QUANTITATIVE);
      t->set_goal(goal);
      auto it = gather->by_service.find(spec.service);
      if (it == gather->by_service.end()) {
        const bool configured = backends->Find(spec.service) != nullptr;
        const bool readable =
            std::find(known_sources.begin(), known_sources.end(),
                      spec.service) != known_sources.end();
        t->set_unavailable_reason(
            !configured ? "source service is not configured"
            : !readable ? "the gateway does not read this service's figures yet"
                        : "source service did not answer");
        return;
      }
      if (!it->second.ok()) {
        // Transport errors name internal addresses; say only what failed.
        t->set_unavailable_reason(absl::StrCat(
            "source service failed: ",
            metrics::CodeName(static_cast<int>(it->second.status().code()))));
        return;
      }
      auto f = it->second->find(spec.id);
      if (f == it->second->end()) {
        t->set_unavailable_reason("source service has no such figure");
        return;
      }
      // The owning service's own goal, where it has one.
      if (auto g = it->second->find(absl::StrCat(spec.id, ".goal"));
          g != it->second->end()) {
        goal = g->second;
        t->set_goal(goal);
      }
      t->set_available(true);
      t->set_current(f->second);
      if (goal > 0) {
        t->set_percent_complete(static_cast<int32_t>(
            std::min<int64_t>(100, f->second * 100 / goal)));
      }
    };
    const int64_t goals[] = {0, plan.benchmarks, plan.improved, plan.introduced,
                             plan.trained};
    for (size_t i = 0; i < std::size(kTargets); ++i) {
      fill(kTargets[i], goals[i], out.add_targets());
    }
    for (const TargetSpec& spec : kSupporting) {
      fill(spec, 0, out.add_supporting_figures());
    }
    if (out.plan_year() == 1 || out.plan_year() == 2) {
      fill(kPhase,
           out.plan_year() == 1 ? plan.key_enterprises_year1
                                : plan.key_enterprises_year2,
           out.mutable_phase_target());
    }
    std::string bytes = out.SerializeAsString();
    grpc::Slice s(bytes);
    *response = grpc::ByteBuffer(&s, 1);
    done(grpc::Status::OK);
  });

  if (calls.empty()) {
    (*finish)();
    return;
  }
  gather->pending = static_cast<int>(calls.size());
  for (auto& [source, channel] : calls) {
    const std::string service = source->service();
    source->Fetch(year, channel, call,
                  [gather, finish, service](absl::StatusOr<Figures> figures) {
                    bool last;
                    {
                      std::lock_guard<std::mutex> lock(gather->mu);
                      gather->by_service.emplace(service, std::move(figures));
                      last = --gather->pending == 0;
                    }
                    if (last) (*finish)();
                  });
  }
}

}  // namespace qpp::gateway
