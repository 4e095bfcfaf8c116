#pragma once

// What every benchmark program shares: its flags and main(), the echo
// baseline (bench/echo_server.h) measured with a closed-loop runner for
// callback calls, the raw-SQL loop that is the database baseline, the MariaDB
// named by the environment, the real service binaries started over loopback,
// and the printing of the figures.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bench/echo_server.h"
#include "common/db/db.h"
#include "common/db/migrations.h"
#include "common/testing/process.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

namespace qpp::bench {

using Clock = std::chrono::steady_clock;

// The figures of one closed-loop measurement.
struct Result {
  double qps = 0;  // successful calls per second
  double p50_ms = 0;
  double p99_ms = 0;
  int64_t errors = 0;  // calls that ended with ok == false
};

// The flags every benchmark takes: --concurrency (calls in flight, default
// 32), --seconds (per figure, default 5) and --sql_threads (threads of the
// raw SQL loops, and connections of the services measured, default 8).
struct Settings {
  int concurrency = 32;
  int seconds = 5;
  int sql_threads = 8;
};
Settings SettingsFromFlags();

// The main() of a benchmark: sets the process up as the services are, parses
// the flags, and either serves the echo baseline (when StartEchoServer
// started the program for that) or returns run("/proc/self/exe").
int BenchMain(int argc, char** argv,
              const std::function<int(const std::string& self)>& run);

// Prints the title line of the benchmark `name` ("registry", …) with the
// settings and the cores of the machine, and a blank line.
void PrintTitle(const char* name, const Settings& settings);

// Prints `status`'s message to stderr; returns 1, the exit status of a
// benchmark that could not run.
int ReportFailure(const absl::Status& status);

// Closed-loop load: `concurrency` callers, each issuing its next call when
// the previous one completes, for `seconds`. `issue(done)` starts one call
// and calls done(ok) exactly once when it completes, on any thread.
Result RunClosedLoop(
    int concurrency, int seconds,
    const std::function<void(std::function<void(bool)>)>& issue);

// Closed-loop load over a fixed amount of work: `concurrency` callers, each
// taking the next of the indices 0..total-1 when its previous call
// completes, until none is left. `issue(i, done)` starts call i and calls
// done(ok) exactly once when it completes, on any thread. The QPS is the
// successful calls over the time until the last one completed.
Result RunClosedLoopCount(
    int concurrency, int64_t total,
    const std::function<void(int64_t, std::function<void(bool)>)>& issue);

// The baseline figure: starts the echo server (StartEchoServer), runs the
// closed loop against it with a payload of `payload_bytes` (about the size
// of the answer of the service measured beside it) and stops it.
// UNAVAILABLE if the server did not start.
absl::StatusOr<Result> MeasureEcho(const std::string& self, int concurrency,
                                   int seconds, int payload_bytes);

// One unary callback call in flight: its context, request and response,
// kept alive until the call completes.
template <typename Request, typename Response>
struct UnaryCall {
  grpc::ClientContext context;
  Request request;
  Response response;
};

// Starts one unary call for RunClosedLoop: `start(call, on_done)` issues it
// (e.g. stub->async()->Method(&call->context, &call->request,
// &call->response, on_done)), e.g. IssueUnary<v1::Organization>(request,
// start, done); done(ok) then runs with ok = the call
// succeeded and, when `accept` is given, accept(response) holds.
template <typename Response, typename Request, typename Start>
void IssueUnary(Request request, const Start& start,
                std::function<void(bool)> done,
                std::function<bool(const Response&)> accept = nullptr) {
  auto* call = new UnaryCall<Request, Response>();
  call->request = std::move(request);
  start(call, [call, done = std::move(done),
               accept = std::move(accept)](grpc::Status status) {
    const bool ok = status.ok() && (!accept || accept(call->response));
    delete call;
    done(ok);
  });
}

// Rate (operations per second) of `op(connection, thread, i)` run in a loop
// by `threads` threads, one connection of `options` each, for `seconds`;
// only calls that return true count. A thread that cannot connect does
// nothing.
double SqlRate(const db::ConnectionOptions& options, int threads, int seconds,
               const std::function<bool(db::Connection&, int, int64_t)>& op);

// The MariaDB the benchmark runs against: QPP_BENCH_DB_HOST, _PORT (default
// 3307), _USER (default qpp) and _PASSWORD, each falling back to its
// QPP_TEST_DB_* twin (set by tests/run.sh); no database selected. Without a
// host, prints where to set one to stderr and returns std::nullopt.
std::optional<db::ConnectionOptions> DatabaseFromEnv();

// Migrates the schema `options.database` with `migrations`; false (after
// printing why to stderr) if that failed.
bool MigrateSchema(const db::ConnectionOptions& options,
                   const std::vector<db::MigrationFile>& migrations);

// Drops the schema `options.database`, if it can.
void DropSchema(db::ConnectionOptions options);

// Starts the real service binary `binary` (e.g. "qpp-registry", from
// testing::BinDir()) on 127.0.0.1:`port` against the schema of `db` with
// `pool_size` connections, no metrics listener, warnings only, the data
// keyring `keyring`, and `extra_args`; its stderr goes to
// /tmp/qpp_bench_<binary>.log. A channel to it once its health service
// answers SERVING, or UNAVAILABLE naming the log.
struct Service {
  std::unique_ptr<testing::ChildProcess> process;
  std::shared_ptr<grpc::Channel> channel;
};
absl::StatusOr<Service> StartService(const std::string& binary, int port,
                                     const db::ConnectionOptions& db,
                                     int pool_size, const std::string& keyring,
                                     const std::vector<std::string>& extra_args,
                                     int wait_attempts = 200);

// The header of the gRPC table: a label column `width` wide, then QPS,
// p50 ms, p99 ms and errors.
void PrintGrpcHeader(int width);
// One row of the gRPC table.
void PrintRow(int width, const char* what, const Result& r);
// The header of the raw-SQL table.
void PrintSqlHeader(int width);
// One row of the raw-SQL table: ops/s and the threads that ran them.
void PrintSqlRow(int width, const char* what, double rate, int threads);

}  // namespace qpp::bench
