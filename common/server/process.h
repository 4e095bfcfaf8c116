#pragma once

// The process frame every qpp binary shares, the gateway's included: signal
// handling, flags with QPP_* environment overrides, JSON logs, the metrics
// listener with qpp_build_info, and the exit status. A service's main.cc
// uses ServiceMain (service_main.h), which builds on this.

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace prometheus {
class Exposer;
class Registry;
}  // namespace prometheus

namespace qpp::server {

// Who the process is, for usage text, logs and qpp_build_info.
struct ProcessInfo {
  // Short name: "registry", "gateway" (binary qpp-<name>).
  std::string name;
  // One line saying what the binary does, for --help.
  std::string summary;
};

// The process frame: applies PrepareProcess() (signals blocked in every
// thread, Abseil's deadlock detection off), parses flags (the environment
// first, QPP_<FLAG>, then the command line), starts JSON logging at
// --log_level, sets the error domain to "<name>.qpp.gov.cn"
// (status::SetErrorDomain), then calls `run`. Returns the exit status for
// main(): 0 when `run` returns OK, 1 (after logging the status) otherwise.
// `extra_signals` are blocked too, for a binary that waits for more than
// SIGTERM/SIGINT.
int RunProcess(int argc, char** argv, const ProcessInfo& info,
               const std::function<absl::Status()>& run,
               std::initializer_list<int> extra_signals = {});

// The version compiled into the binaries (the project's version).
absl::string_view Version();

// Metrics of a process: the registry with qpp_build_info{service, version}
// and, when `address` is not empty, the /metrics listener serving it.
struct ProcessMetrics {
  std::shared_ptr<prometheus::Registry> registry;
  std::unique_ptr<prometheus::Exposer> exposer;  // null when disabled
};

// UNAVAILABLE when the metrics address cannot be bound.
absl::StatusOr<ProcessMetrics> StartProcessMetrics(absl::string_view service,
                                                   const std::string& address);

}  // namespace qpp::server
