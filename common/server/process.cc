#include "common/server/process.h"

#include <pthread.h>
#include <signal.h>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/config/config.h"
#include "common/metrics/metrics.h"
#include "common/server/logging.h"
#include "common/server/server.h"
#include "common/status/status.h"
#include "prometheus/exposer.h"
#include "prometheus/registry.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, log_level, "info", "debug, info, warn or error.");

namespace qpp::server {

absl::string_view Version() { return QPP_VERSION_STRING; }

int RunProcess(int argc, char** argv, const ProcessInfo& info,
               const std::function<absl::Status()>& run,
               std::initializer_list<int> extra_signals) {
  PrepareProcess();
  if (extra_signals.size() > 0) {
    sigset_t set;
    sigemptyset(&set);
    for (int signal : extra_signals) sigaddset(&set, signal);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
  }
  config::ParseFlags(
      argc, argv,
      absl::StrCat("qpp-", info.name, ": ", info.summary,
                   "\nEvery flag may also be set in the environment as "
                   "QPP_<FLAG> (e.g. QPP_DB_PORT=3308)."));
  InitLogging(info.name, absl::GetFlag(FLAGS_log_level));
  // Errors name the service that gave them (ErrorInfo.domain).
  status::SetErrorDomain(status::ErrorDomainOf(info.name));
  const absl::Status status = run();
  if (!status.ok()) {
    spdlog::critical("qpp-{} stopped: {}", info.name, status.ToString());
    return 1;
  }
  return 0;
}

absl::StatusOr<ProcessMetrics> StartProcessMetrics(absl::string_view service,
                                                   const std::string& address) {
  ProcessMetrics out;
  out.registry = std::make_shared<prometheus::Registry>();
  metrics::AddBuildInfo(*out.registry, service, Version());
  if (!address.empty()) {
    QPP_ASSIGN_OR_RETURN(out.exposer,
                         metrics::StartExposer(address, out.registry));
  }
  return out;
}

}  // namespace qpp::server
