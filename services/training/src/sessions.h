#pragma once

// Use cases of sessions ("courses/{course}/sessions/{session}"): one run of
// a course, with dates, place, a provider registered in the registry and a
// number of seats. Rules: session_rules.h.
//
// Statuses: INVALID_ARGUMENT with field violations for bad input; NOT_FOUND
// (also for a missing course); FAILED_PRECONDITION
// (ORGANIZATION_NOT_REGISTERED) for a provider the registry does not have
// or has archived; UNAVAILABLE (REGISTRY_UNAVAILABLE) when the registry
// cannot answer, and then nothing is written; ABORTED for etag mismatches
// and conflicts; UNAVAILABLE when the database is unreachable.

#include <memory>

#include "absl/status/status.h"
#include "common/context/request_context.h"
#include "qpp/training/v1/training_service.pb.h"
#include "services/training/src/training_repository.h"
#include "services/training/src/use_case_context.h"

namespace qpp::training {

class Sessions final {
 public:
  // The context must outlive this object.
  Sessions(const UseCaseContext& context,
           std::unique_ptr<SessionRepository> repository,
           CourseRepository& courses);

  // Creates a session of an existing course; checks the provider with the
  // registry under `call` (deadline, request id, principal) before writing
  // anything; idempotent by request_id.
  absl::Status CreateSession(const RequestContext& call,
                             const v1::CreateSessionRequest& req,
                             v1::Session* resp);
  // The session of "courses/{course}/sessions/{session}".
  absl::Status GetSession(const v1::GetSessionRequest& req, v1::Session* resp);
  // A page of the sessions of a course (or of every course) by id.
  absl::Status ListSessions(const v1::ListSessionsRequest& req,
                            v1::ListSessionsResponse* resp);
  // Changes the fields of the update mask; a changed provider is checked
  // with the registry first.
  absl::Status UpdateSession(const RequestContext& call,
                             const v1::UpdateSessionRequest& req,
                             v1::Session* resp);
  // Deletes a session.
  absl::Status DeleteSession(const v1::DeleteSessionRequest& req,
                             v1::DeleteSessionResponse* resp);

 private:
  const UseCaseContext context_;
  std::unique_ptr<SessionRepository> repository_;
  CourseRepository& courses_;
};

}  // namespace qpp::training
