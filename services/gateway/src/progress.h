#pragma once

// qpp.gateway.v1.ProgressService, answered inside the gateway: the plan's
// "一十百千万" targets and phase targets, with current values gathered from
// the services that own them through their counting RPCs.
//
// Each owning service is a FigureSource. Adding a service's figures means
// writing one FigureSource (call its counting RPC, return figures by target
// id) and registering it in ProgressUpstream's constructor.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/gateway/src/backends.h"

namespace qpp::gateway {

// Goals of the plan (configuration).
struct ProgressPlan {
  // First year of the plan: the plan was issued in 2013, so year 1 is 2013.
  int start_year = 2013;
  int64_t benchmarks = 10;    // "10+": industry quality benchmarks
  int64_t improved = 100;     // "100": enterprises measurably improved
  int64_t introduced = 1000;  // "1000": enterprises that introduced the model
  int64_t trained = 10000;    // "10000": people trained
  int64_t key_enterprises_year1 = 30;  // running the model by end of year 1
  int64_t key_enterprises_year2 = 60;  // by end of year 2
};

// Figures by target id ("10", "100", "1000", "10000", "key_enterprises") or
// supporting figure id ("demonstration_bases", "open_events_held",
// "visitors"). A figure "<id>.goal", if present, is the goal of figure
// <id> as its owning service is configured.
using Figures = std::map<std::string, int64_t>;

// A service that owns some figures.
class FigureSource {
 public:
  virtual ~FigureSource() = default;
  // Fully-qualified name of the service, e.g.
  // "qpp.registry.v1.RegistryService".
  virtual std::string service() const = 0;
  // Fetches the figures of `year` over `channel`; `done` runs once, on any
  // thread, with the figures or the error of the call.
  virtual void Fetch(int year, std::shared_ptr<grpc::Channel> channel,
                     const OutboundCall& call,
                     std::function<void(absl::StatusOr<Figures>)> done) = 0;
};

// Registry's figures, from RegistryService.GetTargetCounts.
std::unique_ptr<FigureSource> NewRegistryFigures();

// Training's figures, from TrainingService.GetTrainingStatistics.
std::unique_ptr<FigureSource> NewTrainingFigures();

// Demobase's figures, from DemoBaseService.GetDemoBaseStatistics.
std::unique_ptr<FigureSource> NewDemoBaseFigures();

// Cultivation's figures (active enrolments against the library cap,
// acceptances of the year, growth-plan enterprises passing review), from
// CultivationService.GetCultivationStatistics.
std::unique_ptr<FigureSource> NewCultivationFigures();

// The progress service as an in-process upstream.
class ProgressUpstream final : public Upstream {
 public:
  // `backends` (not owned) gives the channels of the owning services.
  ProgressUpstream(ProgressPlan plan, const BackendSet* backends);

  // Answers GetProgrammeProgress; UNIMPLEMENTED for other methods,
  // INVALID_ARGUMENT for a bad request or year.
  void CallUnary(const OutboundCall& call, grpc::ClientContext* ctx,
                 const std::string& method, const grpc::ByteBuffer* request,
                 grpc::ByteBuffer* response,
                 std::function<void(grpc::Status)> done) override;

  grpc::GenericStub* streaming_stub() override { return nullptr; }

 private:
  ProgressPlan plan_;
  const BackendSet* backends_;
  std::vector<std::unique_ptr<FigureSource>> sources_;
};

}  // namespace qpp::gateway
