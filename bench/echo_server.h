#pragma once

// The bare callback gRPC echo server that benchmarks and the load generator
// measure beside a real service: served by the program's own binary in a
// child process (--serve_echo=PORT), so that client and server do not share
// a process, just as with the service.

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/testing/process.h"
#include "grpcpp/channel.h"

namespace qpp::bench {

// Serves the echo baseline on 127.0.0.1:PORT until killed when the program
// was started with --serve_echo=PORT (as StartEchoServer starts it): then
// returns the exit status the program should end with (1 if the server did
// not start); std::nullopt when the flag is not set. Call it from main()
// right after parsing the flags (BenchMain does).
std::optional<int> ServeEchoIfAsked();

// A bare echo server in a child process and a channel to it.
struct EchoServer {
  std::unique_ptr<testing::ChildProcess> process;
  std::shared_ptr<grpc::Channel> channel;
};

// Starts `self` (the program's own binary, "/proc/self/exe") with
// --serve_echo on a free port, its stderr to `log_path`, and waits until it
// answers. UNAVAILABLE if it does not within WaitForChannel's bound.
absl::StatusOr<EchoServer> StartEchoServer(
    const std::string& self, const std::string& log_path = "/dev/null");

// A loopback channel to 127.0.0.1:`port` once the server there answers a
// health check SERVING, or UNIMPLEMENTED (a server without the health
// service, like the echo baseline); polls `attempts` times 100 ms apart
// (each with a 200 ms deadline); nullptr if it never did.
std::shared_ptr<grpc::Channel> WaitForChannel(int port, int attempts = 200);

}  // namespace qpp::bench
