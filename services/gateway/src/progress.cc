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

// A figure source that calls one per-year statistics method of `Service`
// (under the caller's deadline, request id and principal) and reads the
// figures from its answer; any failure of the call is handed on as the
// status.
template <typename Service, typename Request, typename Response>
class YearlyFigures final : public FigureSource {
 public:
  // Starts the call on the stub's async interface.
  using Issue = void (*)(typename Service::Stub& stub, grpc::ClientContext* ctx,
                         const Request* request, Response* response,
                         std::function<void(grpc::Status)> on_done);
  using Extract = Figures (*)(const Response& response);

  YearlyFigures(const char* service, Issue issue, Extract extract)
      : service_(service), issue_(issue), extract_(extract) {}

  std::string service() const override { return service_; }

  void Fetch(int year, std::shared_ptr<grpc::Channel> channel,
             const OutboundCall& call,
             std::function<void(absl::StatusOr<Figures>)> done) override {
    struct State {
      std::unique_ptr<typename Service::Stub> stub;
      grpc::ClientContext ctx;
      Request request;
      Response response;
    };
    auto state = std::make_shared<State>();
    state->stub = Service::NewStub(channel);
    state->ctx.set_deadline(call.deadline);
    state->ctx.AddMetadata(kRequestIdHeader, call.request_id);
    state->ctx.AddMetadata(kPrincipalHeader, call.principal);
    state->request.set_year(year);
    issue_(*state->stub, &state->ctx, &state->request, &state->response,
           [state, extract = extract_, done = std::move(done)](grpc::Status s) {
             if (!s.ok()) {
               done(absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                                 s.error_message()));
               return;
             }
             done(extract(state->response));
           });
  }

 private:
  const char* service_;
  Issue issue_;
  Extract extract_;
};

// The plan's own figures: industries with a benchmark, enterprises improved
// inside the plan's window, enterprises (not every kind of organisation)
// that introduced the model, and the flagged key enterprises running it.
Figures RegistryFiguresOf(const registry::v1::TargetCounts& c) {
  Figures f;
  f["10"] = c.benchmark_industries();
  f["100"] = c.improved_enterprises();
  f["1000"] = c.introduced_enterprises();
  f["key_enterprises"] = c.key_enterprises_running();
  return f;
}

// "10000": distinct people trained by the end of the year.
Figures TrainingFiguresOf(const training::v1::TrainingStatistics& t) {
  Figures f;
  f["10000"] = t.to_date().people_trained();
  return f;
}

Figures DemoBaseFiguresOf(const demobase::v1::DemoBaseStatistics& d) {
  Figures f;
  f["demonstration_bases"] = d.bases_designated();
  f["demonstration_bases.goal"] = d.min_bases_per_year();
  f["open_events_held"] = d.events_held();
  f["visitors"] = d.visitors();
  return f;
}

// Active enrolments against the library cap ("百家"), the year's
// end-of-term acceptances, and the growth-plan enterprises holding a passed
// compliance review.
Figures CultivationFiguresOf(const cultivation::v1::CultivationStatistics& c) {
  Figures f;
  f["active_enrollments"] = c.active_enrollments();
  f["active_enrollments.goal"] = c.library_cap();
  f["accepted_enrollments"] = c.accepted();
  f["growth_plan_review_passed"] = c.growth_plan_review_passed();
  return f;
}

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
  using Service = registry::v1::RegistryService;
  using Request = registry::v1::GetTargetCountsRequest;
  using Response = registry::v1::TargetCounts;
  return std::make_unique<YearlyFigures<Service, Request, Response>>(
      kRegistry,
      [](Service::Stub& stub, grpc::ClientContext* ctx, const Request* request,
         Response* response, std::function<void(grpc::Status)> on_done) {
        stub.async()->GetTargetCounts(ctx, request, response,
                                      std::move(on_done));
      },
      RegistryFiguresOf);
}

std::unique_ptr<FigureSource> NewTrainingFigures() {
  using Service = training::v1::TrainingService;
  using Request = training::v1::GetTrainingStatisticsRequest;
  using Response = training::v1::TrainingStatistics;
  return std::make_unique<YearlyFigures<Service, Request, Response>>(
      kTraining,
      [](Service::Stub& stub, grpc::ClientContext* ctx, const Request* request,
         Response* response, std::function<void(grpc::Status)> on_done) {
        stub.async()->GetTrainingStatistics(ctx, request, response,
                                            std::move(on_done));
      },
      TrainingFiguresOf);
}

std::unique_ptr<FigureSource> NewDemoBaseFigures() {
  using Service = demobase::v1::DemoBaseService;
  using Request = demobase::v1::GetDemoBaseStatisticsRequest;
  using Response = demobase::v1::DemoBaseStatistics;
  return std::make_unique<YearlyFigures<Service, Request, Response>>(
      kDemoBase,
      [](Service::Stub& stub, grpc::ClientContext* ctx, const Request* request,
         Response* response, std::function<void(grpc::Status)> on_done) {
        stub.async()->GetDemoBaseStatistics(ctx, request, response,
                                            std::move(on_done));
      },
      DemoBaseFiguresOf);
}

std::unique_ptr<FigureSource> NewCultivationFigures() {
  using Service = cultivation::v1::CultivationService;
  using Request = cultivation::v1::GetCultivationStatisticsRequest;
  using Response = cultivation::v1::CultivationStatistics;
  return std::make_unique<YearlyFigures<Service, Request, Response>>(
      kCultivation,
      [](Service::Stub& stub, grpc::ClientContext* ctx, const Request* request,
         Response* response, std::function<void(grpc::Status)> on_done) {
        stub.async()->GetCultivationStatistics(ctx, request, response,
                                               std::move(on_done));
      },
      CultivationFiguresOf);
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
