#pragma once

// Helpers for end-to-end tests that start the real binaries.

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace qpp::testing {

// A child process started with extra environment variables; killed (SIGKILL)
// on destruction if still running. Its stderr goes to `log_path`.
class ChildProcess final {
 public:
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(
      const std::string& path, const std::vector<std::string>& args,
      const std::map<std::string, std::string>& env,
      const std::string& log_path);
  ~ChildProcess();
  pid_t pid() const { return pid_; }
  void Signal(int sig);
  // Waits up to `timeout_ms` for exit; the exit code, or -1 on timeout or
  // death by signal.
  int Wait(int timeout_ms);
  bool running();

 private:
  pid_t pid_ = -1;
  bool exited_ = false;
};

// A TCP port that was free a moment ago, chosen outside the ephemeral range
// so that no outgoing connection takes it before the server binds it; never
// the same port twice in one process. -1 when none is found.
int FreePort();

// Plain HTTP/1.0 GET to 127.0.0.1:port; the body, or an error.
absl::StatusOr<std::string> HttpGet(int port, const std::string& path);

// Directory of the binaries under test: QPP_TEST_BIN_DIR or the build's.
std::string BinDir();

}  // namespace qpp::testing
