#include "services/registry/src/organization_import.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/db/idempotency.h"
#include "common/status/status.h"
#include "services/registry/src/district_scope.h"
#include "services/registry/src/organization_rules.h"

namespace qpp::registry {
namespace {

constexpr int kMaxBatchRows = 1000;
constexpr int kImportChunk = 500;
constexpr int kMaxImportFailures = 10000;

// The response of a batch from the results of its rows.
void Summarize(const std::vector<v1::RowResult>& results,
               v1::BatchCreateOrganizationsResponse* resp) {
  resp->clear_results();
  resp->set_created_count(0);
  resp->set_failed_count(0);
  for (auto& r : results) {
    if (r.code() == 0) {
      resp->set_created_count(resp->created_count() + 1);
    } else {
      resp->set_failed_count(resp->failed_count() + 1);
    }
    *resp->add_results() = r;
  }
}

}  // namespace

OrganizationImport::OrganizationImport(const UseCaseContext& context)
    : context_(context) {}

absl::StatusOr<OrganizationImport::PreparedRows>
OrganizationImport::PrepareRows(
    const google::protobuf::RepeatedPtrField<v1::Organization>& rows,
    int first_index, std::vector<v1::RowResult>* results) {
  QPP_ASSIGN_OR_RETURN(auto ref, context_.reference.Get());
  PreparedRows out;
  out.now = context_.clock();
  const absl::CivilDay today = dates::Today(out.now);
  results->assign(rows.size(), v1::RowResult());
  out.prepared.resize(rows.size());
  out.blobs.resize(rows.size());
  std::set<std::string> seen;
  for (int i = 0; i < rows.size(); ++i) {
    v1::RowResult& r = (*results)[i];
    r.set_index(first_index + i);
    r.set_uscc(rows[i].uscc().substr(0, 18));
    auto org = PrepareNewOrganization(rows[i], *ref, today, "");
    if (!org.ok()) {
      r.set_code(static_cast<int>(org.status().code()));
      r.set_message(std::string(org.status().message()));
      for (const auto& v : status::FieldViolationsOf(org.status())) {
        r.add_fields(v.field);
      }
      continue;
    }
    if (!seen.insert(org->uscc()).second) {
      r.set_code(static_cast<int>(absl::StatusCode::kAlreadyExists));
      r.set_message("the same USCC appears earlier in this request");
      r.add_fields("uscc");
      continue;
    }
    QPP_ASSIGN_OR_RETURN(out.blobs[i], context_.contacts.Seal(*org));
    out.prepared[i] = std::move(*org);
    out.candidates.push_back(i);
  }
  return out;
}

absl::Status OrganizationImport::InsertPrepared(
    db::Connection& conn, const PreparedRows& rows,
    std::vector<v1::RowResult>* results) {
  std::vector<std::string> usccs;
  for (int i : rows.candidates) usccs.push_back(rows.prepared[i].uscc());
  QPP_ASSIGN_OR_RETURN(
      std::set<std::string> existing,
      context_.organization_repository.ExistingUsccs(conn, usccs));
  std::vector<const v1::Organization*> batch;
  std::vector<std::string> batch_blobs;
  std::vector<const v1::Organization*> created;
  for (int i : rows.candidates) {
    v1::RowResult& r = (*results)[i];
    if (existing.count(rows.prepared[i].uscc()) > 0) {
      r.set_code(static_cast<int>(absl::StatusCode::kAlreadyExists));
      r.set_message(
          absl::StrCat(rows.prepared[i].name(), " is already registered"));
      continue;
    }
    r.set_code(0);
    r.clear_message();
    batch.push_back(&rows.prepared[i]);
    batch_blobs.push_back(rows.blobs[i]);
    created.push_back(&rows.prepared[i]);
    if (static_cast<int>(batch.size()) == kImportChunk) {
      QPP_RETURN_IF_ERROR(context_.organization_repository.InsertOrganizations(
          conn, batch, batch_blobs, rows.now));
      batch.clear();
      batch_blobs.clear();
    }
  }
  QPP_RETURN_IF_ERROR(context_.organization_repository.InsertOrganizations(
      conn, batch, batch_blobs, rows.now));
  // Last, as it locks the change feed's counter until the commit.
  return context_.organizations.RecordCreated(conn, created, rows.now);
}

absl::Status OrganizationImport::CreateRows(
    const google::protobuf::RepeatedPtrField<v1::Organization>& rows,
    int first_index, std::vector<v1::RowResult>* results) {
  QPP_ASSIGN_OR_RETURN(PreparedRows prepared,
                       PrepareRows(rows, first_index, results));
  // A concurrent import may insert the same USCC between our check and our
  // insert; the duplicate key then fails the transaction, and another
  // attempt sees the row as existing.
  absl::Status status;
  for (int attempt = 0; attempt < 3; ++attempt) {
    status = db::WithTransaction(context_.pool, [&](db::Connection& conn) {
      return InsertPrepared(conn, prepared, results);
    });
    if (status.code() != absl::StatusCode::kAlreadyExists) break;
  }
  return status;
}

absl::Status OrganizationImport::BatchCreateOrganizations(
    const RequestContext& call, const v1::BatchCreateOrganizationsRequest& req,
    v1::BatchCreateOrganizationsResponse* resp) {
  QPP_RETURN_IF_ERROR(DistrictScope::Of(call.principal())
                          .RequireCityWide("register organisations in bulk"));
  if (req.organizations().empty() || req.organizations_size() > kMaxBatchRows) {
    return status::InvalidField("organizations", "must hold 1..1000 rows");
  }
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  std::vector<v1::RowResult> results;
  if (req.request_id().empty()) {
    QPP_RETURN_IF_ERROR(CreateRows(req.organizations(), 0, &results));
    Summarize(results, resp);
    return absl::OkStatus();
  }
  // With a request_id the rows and the key commit together, and a retry
  // replays the first answer.
  QPP_ASSIGN_OR_RETURN(PreparedRows prepared,
                       PrepareRows(req.organizations(), 0, &results));
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        std::vector<v1::RowResult> attempt = results;
        QPP_RETURN_IF_ERROR(InsertPrepared(conn, prepared, &attempt));
        Summarize(attempt, resp);
        return absl::OkStatus();
      });
}

absl::Status OrganizationImport::ImportChunk(
    const RequestContext& call, const v1::ImportOrganizationsRequest& chunk,
    int first_index, v1::ImportOrganizationsResponse* resp) {
  QPP_RETURN_IF_ERROR(DistrictScope::Of(call.principal())
                          .RequireCityWide("import organisations"));
  if (chunk.organizations_size() > kMaxBatchRows) {
    return status::InvalidField("organizations",
                                "a chunk holds at most 1000 rows");
  }
  std::vector<v1::RowResult> results;
  QPP_RETURN_IF_ERROR(CreateRows(chunk.organizations(), first_index, &results));
  resp->set_received_count(resp->received_count() + chunk.organizations_size());
  for (auto& r : results) {
    if (r.code() == 0) {
      resp->set_created_count(resp->created_count() + 1);
      continue;
    }
    if (r.code() == static_cast<int>(absl::StatusCode::kAlreadyExists)) {
      resp->set_existing_count(resp->existing_count() + 1);
    } else {
      resp->set_invalid_count(resp->invalid_count() + 1);
    }
    if (resp->failures_size() < kMaxImportFailures) {
      *resp->add_failures() = std::move(r);
    }
  }
  return absl::OkStatus();
}

}  // namespace qpp::registry
