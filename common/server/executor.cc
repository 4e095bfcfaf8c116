#include "common/server/executor.h"

#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace qpp::server {

Executor::Executor(int threads, size_t max_queue,
                   prometheus::Registry* registry)
    : max_queue_(max_queue) {
  if (registry != nullptr) {
    queue_length_ = &prometheus::BuildGauge()
                         .Name("qpp_executor_queue_length")
                         .Help("Tasks waiting for a worker thread.")
                         .Register(*registry)
                         .Add({});
    rejected_ = &prometheus::BuildCounter()
                     .Name("qpp_executor_rejected_total")
                     .Help("Tasks refused because the queue was full.")
                     .Register(*registry)
                     .Add({});
  }
  threads_.reserve(threads);
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
}

Executor::~Executor() { Shutdown(); }

bool Executor::TrySubmit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || queue_.size() >= max_queue_) {
      if (rejected_ != nullptr) rejected_->Increment();
      return false;
    }
    queue_.push_back(std::move(task));
    if (queue_length_ != nullptr) queue_length_->Set(queue_.size());
  }
  cv_.notify_one();
  return true;
}

void Executor::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void Executor::Loop() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front());
      queue_.pop_front();
      if (queue_length_ != nullptr) queue_length_->Set(queue_.size());
    }
    task();
  }
}

}  // namespace qpp::server
