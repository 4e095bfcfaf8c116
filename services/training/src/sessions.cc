#include "services/training/src/sessions.h"

#include <algorithm>

#include "common/db/idempotency.h"
#include "common/paging/list_page.h"
#include "common/resource/names.h"
#include "common/status/status.h"
#include "services/training/src/course_rules.h"
#include "services/training/src/session_rules.h"

namespace qpp::training {
Sessions::Sessions(const UseCaseContext& context,
                   std::unique_ptr<SessionRepository> repository,
                   CourseRepository& courses)
    : context_(context),
      repository_(std::move(repository)),
      courses_(courses) {}

absl::Status Sessions::CreateSession(const RequestContext& call,
                                     const v1::CreateSessionRequest& req,
                                     v1::Session* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t course_id,
                       ParseCourseName(req.parent(), "parent"));
  status::FieldErrors errors;
  ValidateSession(req.session(), errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  const std::string provider = ProviderUscc(req.session());
  // Asked before the transaction: no lock is held while the registry
  // answers, and a registry that is down leaves nothing written.
  QPP_RETURN_IF_ERROR(
      RequireRegistered(context_.registry, call, provider, "session.provider")
          .status());
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(auto course,
                             courses_.GetCourse(conn, course_id, true));
        if (!course.has_value()) return status::NotFound(req.parent());
        QPP_ASSIGN_OR_RETURN(
            int64_t id, repository_->InsertSession(conn, course_id, provider,
                                                   req.session(), now));
        QPP_ASSIGN_OR_RETURN(
            auto stored, repository_->GetSession(conn, course_id, id, false));
        *resp = std::move(stored->session);
        return absl::OkStatus();
      });
}

absl::Status Sessions::GetSession(const v1::GetSessionRequest& req,
                                  v1::Session* resp) {
  QPP_ASSIGN_OR_RETURN(SessionKey key, ParseSessionName(req.name(), "name"));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  QPP_ASSIGN_OR_RETURN(
      auto found, repository_->GetSession(*conn, key.course_id, key.id, false));
  if (!found.has_value()) return status::NotFound(req.name());
  *resp = std::move(found->session);
  return absl::OkStatus();
}

absl::Status Sessions::ListSessions(const v1::ListSessionsRequest& req,
                                    v1::ListSessionsResponse* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t course_id, ParseSessionsParent(req.parent()));
  SessionFilter filter;
  filter.course_id = course_id;
  if (!req.provider().empty()) {
    QPP_ASSIGN_OR_RETURN(filter.provider_uscc, resource::ParseOrganizationName(
                                                   req.provider(), "provider"));
  }
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<v1::Session>> {
            QPP_ASSIGN_OR_RETURN(int64_t after_id, paging::AfterId(after));
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            return repository_->ListSessions(*conn, filter, after_id, limit);
          },
          [](const v1::Session& s) {
            return s.name().substr(s.name().rfind('/') + 1);
          }));
  resp->set_next_page_token(page.next_page_token);
  for (auto& s : page.rows) *resp->add_sessions() = std::move(s);
  return absl::OkStatus();
}

absl::Status Sessions::UpdateSession(const RequestContext& call,
                                     const v1::UpdateSessionRequest& req,
                                     v1::Session* resp) {
  const v1::Session& patch = req.session();
  QPP_ASSIGN_OR_RETURN(SessionKey key,
                       ParseSessionName(patch.name(), "session.name"));
  QPP_ASSIGN_OR_RETURN(std::vector<std::string> paths,
                       SessionUpdatePaths(req.update_mask()));
  if (std::find(paths.begin(), paths.end(), "provider") != paths.end()) {
    // Checked before the transaction, as on create.
    QPP_ASSIGN_OR_RETURN(
        std::string provider,
        resource::ParseOrganizationName(patch.provider(), "session.provider"));
    QPP_RETURN_IF_ERROR(
        RequireRegistered(context_.registry, call, provider, "session.provider")
            .status());
  }
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(
            auto found,
            repository_->GetSession(conn, key.course_id, key.id, true));
        if (!found.has_value()) return status::NotFound(patch.name());
        QPP_RETURN_IF_ERROR(status::CheckEtag(
            patch.etag(), found->session.etag(), "the session"));
        const v1::Session updated =
            ApplySessionUpdate(found->session, patch, paths);
        status::FieldErrors errors;
        ValidateSession(updated, errors);
        QPP_RETURN_IF_ERROR(errors.ToStatus());
        QPP_ASSIGN_OR_RETURN(
            bool written,
            repository_->UpdateSession(conn, key.id, ProviderUscc(updated),
                                       updated, found->version, now));
        if (!written) return status::ConcurrentUpdate("the session");
        QPP_ASSIGN_OR_RETURN(
            auto stored,
            repository_->GetSession(conn, key.course_id, key.id, false));
        *resp = std::move(stored->session);
        return absl::OkStatus();
      });
}

absl::Status Sessions::DeleteSession(const v1::DeleteSessionRequest& req,
                                     v1::DeleteSessionResponse* resp) {
  QPP_ASSIGN_OR_RETURN(SessionKey key, ParseSessionName(req.name(), "name"));
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(bool deleted, repository_->DeleteSession(
                                               conn, key.course_id, key.id));
        return deleted ? absl::OkStatus() : status::NotFound(req.name());
      });
}

}  // namespace qpp::training
