#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace prometheus {
class Registry;
class Gauge;
class Counter;
}  // namespace prometheus

namespace qpp::server {

// A fixed pool of threads with a bounded queue, for the blocking work (MySQL
// calls) that must not run on gRPC's callback threads. Sized with the
// connection pool so that a thread never waits for a connection another of
// its own kind holds. Thread-safe.
class Executor final {
 public:
  // `registry` may be null. Exposes qpp_executor_queue_length and
  // qpp_executor_rejected_total.
  Executor(int threads, size_t max_queue, prometheus::Registry* registry);
  ~Executor();  // Shutdown()
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Queues `task`; false (and the task is dropped) when the queue is full or
  // the executor is shutting down.
  bool TrySubmit(std::function<void()> task);

  // Stops accepting tasks, runs what is queued, joins the threads.
  void Shutdown();

  int threads() const { return static_cast<int>(threads_.size()); }

 private:
  void Loop();

  const size_t max_queue_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
  prometheus::Gauge* queue_length_ = nullptr;
  prometheus::Counter* rejected_ = nullptr;
};

}  // namespace qpp::server
