#pragma once

// Keeps eligibility decisions in step with the facts they used, so that a
// changed fact reaches the decision feed without anyone asking. Three
// triggers, each chosen for how its facts' owner publishes changes:
//
//  1. The registry's change feed (ListOrganizationChanges), followed with a
//     cursor stored in feed_cursors: an organisation whose registration,
//     credit standing, size class or state changed is evaluated again for
//     every scheme it has a decision for. The feed is commit-ordered and
//     resumable, so following it loses nothing across restarts (the cursor
//     is stored after the page is processed: at least once, and a repeated
//     evaluation with the same result writes nothing).
//  2. An outbox, reevaluation_requests, which cultivation writes in the
//     same transaction as an enrolment's or growth plan's change (same
//     database): the organisation is evaluated for every scheme, so an
//     enterprise accepted at the end of its term appears in the feed
//     without having been checked before.
//  3. A sweep of the current decisions whose facts have no feed — training's
//     certificates and demobase's events — and of eligible decisions past
//     their validity, every sweep period.
//
// How long a change takes to reach the decision feed: a registry change or
// an outbox request, one poll period (default 2 s) plus the evaluation; a
// certificate revoked or a base falling behind its minimum, at most one
// sweep period (default 1 h).

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/dates/dates.h"
#include "common/db/db.h"
#include "grpcpp/channel.h"
#include "prometheus/registry.h"
#include "services/cultivation/funding/src/funding.h"
#include "services/cultivation/funding/src/funding_repository.h"

namespace qpp::funding {

// A page of a change feed of organisations.
struct OrganizationChanges {
  std::vector<std::string> usccs;  // in feed order, possibly repeated
  std::string next_cursor;         // never empty
};

// The registry's change feed. Thread-compatible.
class OrganizationFeed {
 public:
  virtual ~OrganizationFeed() = default;
  // The changes after `cursor` (from the start when empty), at most
  // `limit`. UNAVAILABLE when the registry does not answer.
  virtual absl::StatusOr<OrganizationChanges> Pull(const std::string& cursor,
                                                   int limit) = 0;
};

// The registry's feed over gRPC (ListOrganizationChanges).
std::unique_ptr<OrganizationFeed> NewGrpcOrganizationFeed(
    std::shared_ptr<grpc::Channel> registry, prometheus::Registry& metrics);

struct ReevaluationOptions {
  absl::Duration poll_period = absl::Seconds(2);
  absl::Duration sweep_period = absl::Hours(1);
  int page_size = 500;
};

class Reevaluator final {
 public:
  // None of the arguments is owned; all must outlive this object. `feed`
  // may be null (no registry configured).
  Reevaluator(db::ConnectionPool& pool, FundingRepository& repository,
              Funding& funding, OrganizationFeed* feed,
              ReevaluationOptions options, dates::Clock clock);
  // Stops the thread, if started, after the pass it is in.
  ~Reevaluator();
  Reevaluator(const Reevaluator&) = delete;
  Reevaluator& operator=(const Reevaluator&) = delete;

  // Runs the triggers on a thread of its own: the feed and the outbox
  // every poll period, the sweep every sweep period (the first at once).
  void Start();

  // One pass of each trigger; the number of evaluations run. For the loop
  // and for tests.
  absl::StatusOr<int> FollowRegistry();
  absl::StatusOr<int> DrainOutbox();
  absl::StatusOr<int> Sweep();

 private:
  // Evaluates `uscc` for `schemes`; the number evaluated.
  int Evaluate(const std::string& uscc,
               const std::vector<std::string>& schemes);

  db::ConnectionPool& pool_;
  FundingRepository& repository_;
  Funding& funding_;
  OrganizationFeed* feed_;
  const ReevaluationOptions options_;
  dates::Clock clock_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace qpp::funding
