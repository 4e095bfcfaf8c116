#pragma once

// A raw HTTP/1.1 client for edge tests and benchmarks: it connects from a
// chosen loopback address (127.0.0.2 … stand for other machines), sends
// bytes exactly as given (malformed ones included), and reads answers with
// timeouts, so that a test can hold hundreds of connections and tell an
// answer from a closed connection.

#include <string>

#include "absl/strings/string_view.h"
#include "services/gateway/tests/test_util.h"

namespace qpp::gateway::testing {

// One TCP connection to 127.0.0.1:port. Not thread-safe.
class Conn final {
 public:
  // Connects from `source` (an address of the loopback network) within
  // `connect_timeout_ms` (a server that accepts nothing fills its listen
  // queue, and then connecting stalls); ok() is false if that failed.
  explicit Conn(int port, const std::string& source = "127.0.0.1",
                int connect_timeout_ms = 5000);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  bool ok() const { return fd_ >= 0; }

  // Sends every byte; false on a socket error.
  bool Send(absl::string_view bytes);

  // Reads one answer (its body by Content-Length) within `timeout_ms`.
  // Status 0 if none came: timeout, closed connection or malformed answer.
  HttpResponse Read(int timeout_ms);

  // Whether the server closes the connection (end of stream or reset)
  // within `timeout_ms` (0: whether it has already). Bytes that arrive
  // before are appended to `extra` if given.
  bool ClosedWithin(int timeout_ms, std::string* extra = nullptr);

 private:
  // Reads what is available within `timeout_ms` into buffer_; false on
  // timeout or close.
  bool Fill(int timeout_ms);

  int fd_ = -1;
  bool closed_ = false;
  std::string buffer_;
};

}  // namespace qpp::gateway::testing
