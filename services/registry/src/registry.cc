#include "services/registry/src/registry.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/db/idempotency.h"
#include "common/paging/page_token.h"
#include "common/validation/text.h"
#include "common/validation/uscc.h"
#include "google/protobuf/util/time_util.h"

namespace qpp::registry {
namespace {

using status::WithReason;

constexpr int kMaxBatchRows = 1000;
constexpr int kInsertChunk = 500;
constexpr int kMaxImportFailures = 10000;

absl::Status NotFound(absl::string_view what) {
  return WithReason(absl::StatusCode::kNotFound, "NOT_FOUND",
                    absl::StrCat(what, " does not exist"));
}

absl::Status Archived(absl::string_view uscc) {
  return WithReason(
      absl::StatusCode::kFailedPrecondition, "ORGANIZATION_ARCHIVED",
      absl::StrCat("organizations/", uscc, " is archived; undelete it first"));
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(t));
}

// Fingerprint of a list request's filters: the request without paging.
template <typename Request>
uint64_t FiltersOf(const Request& req) {
  Request copy = req;
  copy.clear_page_size();
  copy.clear_page_token();
  return paging::Fingerprint(copy.SerializeAsString());
}

// Parses "organizations/{uscc}/<collection>/{id}" into uscc and id text.
absl::StatusOr<std::pair<std::string, std::string>> ParseChildName(
    absl::string_view name, absl::string_view collection,
    absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "organizations" ||
      parts[2] != collection || parts[3].empty()) {
    return status::InvalidField(
        std::string(field),
        absl::StrCat("must be \"organizations/{uscc}/", collection, "/{id}\""));
  }
  const std::string problem = validation::UsccProblem(parts[1]);
  if (!problem.empty()) {
    return status::InvalidField(std::string(field),
                                absl::StrCat("USCC ", problem));
  }
  return std::make_pair(std::string(parts[1]), std::string(parts[3]));
}

absl::StatusOr<int> ParseYearId(absl::string_view id, absl::string_view field) {
  int year = 0;
  if (!absl::SimpleAtoi(id, &year) || year < 2000 || year > 2100) {
    return status::InvalidField(std::string(field),
                                "must end in a year 2000..2100");
  }
  return year;
}

// "organizations/-" (all) -> "", else the parent's USCC.
absl::StatusOr<std::string> ParseParentOrAll(absl::string_view parent) {
  if (parent == "organizations/-") return std::string();
  return ParseOrganizationName(parent, "parent");
}

// Keys of (year DESC, uscc) pages: "year:uscc".
absl::StatusOr<std::optional<AwardKey>> DecodeYearKey(absl::string_view token,
                                                      uint64_t filters) {
  QPP_ASSIGN_OR_RETURN(std::string raw,
                       paging::DecodePageToken(token, filters));
  if (raw.empty()) return std::optional<AwardKey>();
  std::pair<std::string, std::string> parts =
      absl::StrSplit(raw, absl::MaxSplits(':', 1));
  AwardKey key;
  if (!absl::SimpleAtoi(parts.first, &key.year)) {
    return status::InvalidField("page_token", "is malformed");
  }
  key.uscc = parts.second;
  return std::optional<AwardKey>(key);
}

std::string NameTail(absl::string_view name) {
  return std::string(name.substr(name.rfind('/') + 1));
}

// The page key "year:uscc" of a record named organizations/{uscc}/.../{year};
// DecodeYearKey reads it back.
std::string YearKey(int year, absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  return absl::StrCat(year, ":", parts.size() > 1 ? parts[1] : "");
}

}  // namespace

Registry::Registry(db::ConnectionPool& pool,
                   std::unique_ptr<RegistryRepository> repo,
                   crypto::DataCipher cipher, RegistryOptions options,
                   Clock clock)
    : pool_(pool),
      repo_(std::move(repo)),
      cipher_(std::move(cipher)),
      options_(options),
      clock_(std::move(clock)) {}

absl::StatusOr<std::shared_ptr<const ReferenceData>> Registry::Reference() {
  const absl::Time now = clock_();
  {
    std::lock_guard<std::mutex> lock(ref_mu_);
    if (ref_ != nullptr && now - ref_loaded_ < options_.reference_ttl) {
      return ref_;
    }
  }
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
  QPP_ASSIGN_OR_RETURN(ReferenceData loaded, repo_->LoadReferenceData(*conn));
  auto fresh = std::make_shared<const ReferenceData>(std::move(loaded));
  std::lock_guard<std::mutex> lock(ref_mu_);
  ref_ = fresh;
  ref_loaded_ = now;
  return fresh;
}

absl::StatusOr<std::string> Registry::EncryptContacts(
    const v1::Organization& org) {
  if (org.contacts().empty()) return std::string();
  v1::Organization holder;
  *holder.mutable_contacts() = org.contacts();
  return cipher_.Encrypt(holder.SerializeAsString(), org.uscc());
}

absl::Status Registry::DecryptContacts(const std::string& blob,
                                       v1::Organization& org) {
  org.clear_contacts();
  if (blob.empty()) return absl::OkStatus();
  QPP_ASSIGN_OR_RETURN(std::string plain, cipher_.Decrypt(blob, org.uscc()));
  v1::Organization holder;
  if (!holder.ParseFromString(plain)) {
    return absl::DataLossError("stored contacts are unreadable");
  }
  *org.mutable_contacts() = std::move(*holder.mutable_contacts());
  return absl::OkStatus();
}

absl::StatusOr<StoredOrganization> Registry::LoadOrganization(
    db::Connection& conn, const std::string& uscc, bool for_update) {
  QPP_ASSIGN_OR_RETURN(auto stored,
                       repo_->GetOrganization(conn, uscc, for_update));
  if (!stored.has_value()) return NotFound(OrganizationName(uscc));
  QPP_RETURN_IF_ERROR(DecryptContacts(stored->contacts_blob, stored->org));
  return std::move(*stored);
}

absl::StatusOr<StoredOrganization> Registry::LoadForChange(
    db::Connection& conn, const std::string& uscc, const std::string& etag) {
  QPP_ASSIGN_OR_RETURN(StoredOrganization stored,
                       LoadOrganization(conn, uscc, /*for_update=*/true));
  if (!etag.empty() && etag != stored.org.etag()) {
    return WithReason(absl::StatusCode::kAborted, "ETAG_MISMATCH",
                      "the organisation changed since it was read; read it "
                      "again and retry with the new etag");
  }
  return stored;
}

absl::StatusOr<StoredOrganization> Registry::RequireActive(
    db::Connection& conn, const std::string& uscc) {
  QPP_ASSIGN_OR_RETURN(StoredOrganization stored,
                       LoadOrganization(conn, uscc, /*for_update=*/false));
  if (stored.org.state() != v1::ORGANIZATION_STATE_ACTIVE) {
    return Archived(uscc);
  }
  return stored;
}

absl::Status Registry::SaveOrganization(db::Connection& conn,
                                        const StoredOrganization& stored,
                                        const v1::Organization& org,
                                        v1::Organization* resp) {
  QPP_ASSIGN_OR_RETURN(std::string blob, EncryptContacts(org));
  const absl::Time now = clock_();
  QPP_ASSIGN_OR_RETURN(bool written, repo_->UpdateOrganization(
                                         conn, org, blob, stored.version, now));
  if (!written) {
    return WithReason(absl::StatusCode::kAborted, "CONCURRENT_UPDATE",
                      "the organisation changed meanwhile; retry");
  }
  *resp = org;
  *resp->mutable_update_time() = ToProto(now);
  resp->set_etag(absl::StrCat("\"", stored.version + 1, "\""));
  MaskContacts(*resp);
  return absl::OkStatus();
}

absl::Status Registry::GetOrganization(const v1::GetOrganizationRequest& req,
                                       v1::Organization* resp) {
  QPP_ASSIGN_OR_RETURN(std::string uscc,
                       ParseOrganizationName(req.name(), "name"));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
  QPP_ASSIGN_OR_RETURN(StoredOrganization stored,
                       LoadOrganization(*conn, uscc, false));
  *resp = std::move(stored.org);
  MaskContacts(*resp);
  return absl::OkStatus();
}

absl::Status Registry::ListOrganizations(
    const v1::ListOrganizationsRequest& req,
    v1::ListOrganizationsResponse* resp) {
  status::FieldErrors errors;
  if (!validation::IsValidUtf8(req.name_query()) ||
      validation::Utf8Length(req.name_query()) > 50) {
    errors.Add("name_query", "must be valid text of at most 50 characters");
  }
  if (req.district_code().size() > 16) errors.Add("district_code", "too long");
  if (req.industry_code().size() > 4) errors.Add("industry_code", "too long");
  if (req.industry_section().size() > 1) {
    errors.Add("industry_section", "must be one letter A..T");
  }
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_ASSIGN_OR_RETURN(int page_size,
                       paging::EffectivePageSize(req.page_size()));
  const uint64_t filters = FiltersOf(req);
  QPP_ASSIGN_OR_RETURN(std::string after,
                       paging::DecodePageToken(req.page_token(), filters));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
  QPP_ASSIGN_OR_RETURN(
      auto rows, repo_->ListOrganizations(*conn, req, after, page_size + 1));
  resp->set_next_page_token(paging::TakePage(
      rows, page_size, filters,
      [](const StoredOrganization& s) { return s.org.uscc(); }));
  for (auto& stored : rows) {
    QPP_RETURN_IF_ERROR(DecryptContacts(stored.contacts_blob, stored.org));
    MaskContacts(stored.org);
    *resp->add_organizations() = std::move(stored.org);
  }
  return absl::OkStatus();
}

absl::Status Registry::CreateOrganization(
    const v1::CreateOrganizationRequest& req, v1::Organization* resp) {
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  QPP_ASSIGN_OR_RETURN(auto ref, Reference());
  const absl::Time now = clock_();
  QPP_ASSIGN_OR_RETURN(
      v1::Organization org,
      PrepareNewOrganization(req.organization(), *ref, Today(now)));
  QPP_ASSIGN_OR_RETURN(std::string blob, EncryptContacts(org));
  return db::RunIdempotent(
      pool_, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        absl::Status s = repo_->InsertOrganizations(conn, {&org}, {blob}, now);
        if (s.code() == absl::StatusCode::kAlreadyExists) {
          return WithReason(absl::StatusCode::kAlreadyExists,
                            "ORGANIZATION_EXISTS",
                            absl::StrCat(org.name(), " is already registered"));
        }
        QPP_RETURN_IF_ERROR(s);
        *resp = org;
        *resp->mutable_create_time() = ToProto(now);
        *resp->mutable_update_time() = ToProto(now);
        resp->set_etag("\"1\"");
        MaskContacts(*resp);
        return absl::OkStatus();
      },
      /*single_statement=*/true);
}

absl::Status Registry::UpdateOrganization(
    const v1::UpdateOrganizationRequest& req, v1::Organization* resp) {
  QPP_ASSIGN_OR_RETURN(
      std::string uscc,
      ParseOrganizationName(req.organization().name(), "organization.name"));
  QPP_ASSIGN_OR_RETURN(auto ref, Reference());
  return db::RunIdempotent(
      pool_, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(
            StoredOrganization stored,
            LoadForChange(conn, uscc, req.organization().etag()));
        if (stored.org.state() != v1::ORGANIZATION_STATE_ACTIVE) {
          return Archived(uscc);
        }
        QPP_ASSIGN_OR_RETURN(
            v1::Organization updated,
            ApplyOrganizationUpdate(stored.org, req.organization(),
                                    req.update_mask(), *ref, Today(clock_())));
        return SaveOrganization(conn, stored, updated, resp);
      });
}

absl::Status Registry::DeleteOrganization(
    const v1::DeleteOrganizationRequest& req, v1::Organization* resp) {
  QPP_ASSIGN_OR_RETURN(std::string uscc,
                       ParseOrganizationName(req.name(), "name"));
  return db::RunIdempotent(
      pool_, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(StoredOrganization stored,
                             LoadForChange(conn, uscc, req.etag()));
        if (stored.org.state() == v1::ORGANIZATION_STATE_ARCHIVED) {
          return WithReason(absl::StatusCode::kFailedPrecondition,
                            "ALREADY_ARCHIVED",
                            absl::StrCat(req.name(), " is already archived"));
        }
        v1::Organization org = stored.org;
        org.set_state(v1::ORGANIZATION_STATE_ARCHIVED);
        *org.mutable_delete_time() = ToProto(clock_());
        return SaveOrganization(conn, stored, org, resp);
      });
}

absl::Status Registry::UndeleteOrganization(
    const v1::UndeleteOrganizationRequest& req, v1::Organization* resp) {
  QPP_ASSIGN_OR_RETURN(std::string uscc,
                       ParseOrganizationName(req.name(), "name"));
  return db::RunIdempotent(
      pool_, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(StoredOrganization stored,
                             LoadForChange(conn, uscc, ""));
        if (stored.org.state() == v1::ORGANIZATION_STATE_ACTIVE) {
          return WithReason(absl::StatusCode::kFailedPrecondition,
                            "NOT_ARCHIVED",
                            absl::StrCat(req.name(), " is not archived"));
        }
        v1::Organization org = stored.org;
        org.set_state(v1::ORGANIZATION_STATE_ACTIVE);
        org.clear_delete_time();
        return SaveOrganization(conn, stored, org, resp);
      });
}

absl::Status Registry::SetAdoptionStatus(
    const v1::SetAdoptionStatusRequest& req, v1::Organization* resp) {
  QPP_ASSIGN_OR_RETURN(std::string uscc,
                       ParseOrganizationName(req.name(), "name"));
  const absl::CivilDay today = Today(clock_());
  absl::CivilDay day = today;
  if (IsSet(req.effective_date())) {
    auto parsed = ToCivilDay(req.effective_date());
    if (!parsed.has_value() || *parsed > today) {
      return status::InvalidField("effective_date",
                                  "must be a real date, not in the future");
    }
    day = *parsed;
  }
  return db::RunIdempotent(
      pool_, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(StoredOrganization stored,
                             LoadForChange(conn, uscc, req.etag()));
        if (stored.org.state() != v1::ORGANIZATION_STATE_ACTIVE) {
          return Archived(uscc);
        }
        v1::Organization org = stored.org;
        QPP_RETURN_IF_ERROR(AdvanceAdoption(org, req.adoption_status(), day));
        return SaveOrganization(conn, stored, org, resp);
      });
}

absl::StatusOr<Registry::PreparedRows> Registry::PrepareRows(
    const google::protobuf::RepeatedPtrField<v1::Organization>& rows,
    int first_index, std::vector<v1::RowResult>* results) {
  QPP_ASSIGN_OR_RETURN(auto ref, Reference());
  PreparedRows out;
  out.now = clock_();
  const absl::CivilDay today = Today(out.now);
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
    QPP_ASSIGN_OR_RETURN(out.blobs[i], EncryptContacts(*org));
    out.prepared[i] = std::move(*org);
    out.candidates.push_back(i);
  }
  return out;
}

absl::Status Registry::InsertPrepared(db::Connection& conn,
                                      const PreparedRows& rows,
                                      std::vector<v1::RowResult>* results) {
  std::vector<std::string> usccs;
  for (int i : rows.candidates) usccs.push_back(rows.prepared[i].uscc());
  QPP_ASSIGN_OR_RETURN(std::set<std::string> existing,
                       repo_->ExistingUsccs(conn, usccs));
  std::vector<const v1::Organization*> batch;
  std::vector<std::string> batch_blobs;
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
    if (static_cast<int>(batch.size()) == kInsertChunk) {
      QPP_RETURN_IF_ERROR(
          repo_->InsertOrganizations(conn, batch, batch_blobs, rows.now));
      batch.clear();
      batch_blobs.clear();
    }
  }
  return repo_->InsertOrganizations(conn, batch, batch_blobs, rows.now);
}

absl::Status Registry::CreateRows(
    const google::protobuf::RepeatedPtrField<v1::Organization>& rows,
    int first_index, std::vector<v1::RowResult>* results) {
  QPP_ASSIGN_OR_RETURN(PreparedRows prepared,
                       PrepareRows(rows, first_index, results));
  // A concurrent import may insert the same USCC between our check and our
  // insert; the duplicate key then fails the transaction, and another
  // attempt sees the row as existing.
  absl::Status status;
  for (int attempt = 0; attempt < 3; ++attempt) {
    status = db::WithTransaction(pool_, [&](db::Connection& conn) {
      return InsertPrepared(conn, prepared, results);
    });
    if (status.code() != absl::StatusCode::kAlreadyExists) break;
  }
  return status;
}

namespace {
void Summarize(std::vector<v1::RowResult>& results,
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

absl::Status Registry::BatchCreateOrganizations(
    const v1::BatchCreateOrganizationsRequest& req,
    v1::BatchCreateOrganizationsResponse* resp) {
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
      pool_, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        std::vector<v1::RowResult> attempt = results;
        QPP_RETURN_IF_ERROR(InsertPrepared(conn, prepared, &attempt));
        Summarize(attempt, resp);
        return absl::OkStatus();
      });
}

absl::Status Registry::ImportChunk(const v1::ImportOrganizationsRequest& chunk,
                                   int first_index,
                                   v1::ImportOrganizationsResponse* resp) {
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

absl::Status Registry::CreateAwardRecord(
    const v1::CreateAwardRecordRequest& req, v1::AwardRecord* resp) {
  QPP_ASSIGN_OR_RETURN(std::string uscc,
                       ParseOrganizationName(req.parent(), "parent"));
  const absl::Time now = clock_();
  QPP_RETURN_IF_ERROR(ValidateAwardRecord(req.award_record(), Today(now)));
  return db::RunIdempotent(
      pool_, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_RETURN_IF_ERROR(RequireActive(conn, uscc).status());
        absl::Status s =
            repo_->InsertAward(conn, uscc, req.award_record(), now);
        if (s.code() == absl::StatusCode::kAlreadyExists) {
          return WithReason(absl::StatusCode::kAlreadyExists, "AWARD_EXISTS",
                            absl::StrCat(req.parent(),
                                         " already has an award "
                                         "in ",
                                         req.award_record().year()));
        }
        QPP_RETURN_IF_ERROR(s);
        *resp = req.award_record();
        resp->set_name(
            absl::StrCat(req.parent(), "/awards/", req.award_record().year()));
        *resp->mutable_create_time() = ToProto(now);
        return absl::OkStatus();
      });
}

absl::Status Registry::ListAwardRecords(const v1::ListAwardRecordsRequest& req,
                                        v1::ListAwardRecordsResponse* resp) {
  QPP_ASSIGN_OR_RETURN(std::string uscc, ParseParentOrAll(req.parent()));
  QPP_ASSIGN_OR_RETURN(int page_size,
                       paging::EffectivePageSize(req.page_size()));
  const uint64_t filters = FiltersOf(req);
  QPP_ASSIGN_OR_RETURN(auto after, DecodeYearKey(req.page_token(), filters));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
  QPP_ASSIGN_OR_RETURN(
      auto rows, repo_->ListAwards(*conn, uscc, req.year(), req.level(), after,
                                   page_size + 1));
  resp->set_next_page_token(paging::TakePage(
      rows, page_size, filters,
      [](const v1::AwardRecord& a) { return YearKey(a.year(), a.name()); }));
  for (auto& a : rows) *resp->add_award_records() = std::move(a);
  return absl::OkStatus();
}

absl::Status Registry::DeleteAwardRecord(
    const v1::DeleteAwardRecordRequest& req,
    v1::DeleteAwardRecordResponse* resp) {
  QPP_ASSIGN_OR_RETURN(auto parts,
                       ParseChildName(req.name(), "awards", "name"));
  QPP_ASSIGN_OR_RETURN(int year, ParseYearId(parts.second, "name"));
  return db::RunIdempotent(
      pool_, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(bool deleted,
                             repo_->DeleteAward(conn, parts.first, year));
        return deleted ? absl::OkStatus() : NotFound(req.name());
      });
}

absl::Status Registry::GetScoreSheet(const v1::GetScoreSheetRequest& req,
                                     v1::ScoreSheet* resp) {
  if (!absl::StartsWith(req.name(), "scoreSheets/")) {
    return status::InvalidField("name", "must be \"scoreSheets/{version}\"");
  }
  QPP_ASSIGN_OR_RETURN(auto ref, Reference());
  const std::string version = NameTail(req.name());
  const ScoreSheetDef* sheet = version == "current"
                                   ? ref->SheetOn(Today(clock_()))
                                   : ref->Sheet(version);
  if (sheet == nullptr) return NotFound(req.name());
  resp->set_name(absl::StrCat("scoreSheets/", sheet->version));
  resp->set_version(sheet->version);
  *resp->mutable_effective_from() = ToDate(sheet->effective_from);
  for (const auto& c : sheet->categories) {
    auto* out = resp->add_categories();
    out->set_category_code(c.code);
    out->set_title(c.title);
    out->set_max_points(c.max_points);
  }
  for (const auto& i : sheet->items) {
    auto* out = resp->add_items();
    out->set_item_code(i.code);
    out->set_category_code(i.category_code);
    out->set_title(i.title);
    out->set_max_points(i.max_points);
  }
  return absl::OkStatus();
}

absl::Status Registry::CreateSelfAssessment(
    const v1::CreateSelfAssessmentRequest& req, v1::SelfAssessment* resp) {
  QPP_ASSIGN_OR_RETURN(std::string uscc,
                       ParseOrganizationName(req.parent(), "parent"));
  QPP_ASSIGN_OR_RETURN(auto ref, Reference());
  const absl::Time now = clock_();
  QPP_ASSIGN_OR_RETURN(
      v1::SelfAssessment scored,
      ScoreSelfAssessment(*ref, req.self_assessment(), Today(now)));
  return db::RunIdempotent(
      pool_, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_RETURN_IF_ERROR(RequireActive(conn, uscc).status());
        QPP_ASSIGN_OR_RETURN(int64_t id,
                             repo_->InsertAssessment(conn, uscc, scored, now));
        *resp = scored;
        resp->set_name(absl::StrCat(req.parent(), "/assessments/", id));
        *resp->mutable_create_time() = ToProto(now);
        return absl::OkStatus();
      });
}

absl::Status Registry::GetSelfAssessment(
    const v1::GetSelfAssessmentRequest& req, v1::SelfAssessment* resp) {
  QPP_ASSIGN_OR_RETURN(auto parts,
                       ParseChildName(req.name(), "assessments", "name"));
  int64_t id = 0;
  if (!absl::SimpleAtoi(parts.second, &id) || id <= 0) {
    return status::InvalidField("name", "assessment id must be a number");
  }
  QPP_ASSIGN_OR_RETURN(auto ref, Reference());
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
  QPP_ASSIGN_OR_RETURN(auto found,
                       repo_->GetAssessment(*conn, parts.first, id));
  if (!found.has_value()) return NotFound(req.name());
  *resp = std::move(*found);
  if (const ScoreSheetDef* sheet = ref->Sheet(resp->sheet_version())) {
    ComputeScores(*sheet, *resp);
  }
  return absl::OkStatus();
}

absl::Status Registry::ListSelfAssessments(
    const v1::ListSelfAssessmentsRequest& req,
    v1::ListSelfAssessmentsResponse* resp) {
  QPP_ASSIGN_OR_RETURN(std::string uscc,
                       ParseOrganizationName(req.parent(), "parent"));
  QPP_ASSIGN_OR_RETURN(int page_size,
                       paging::EffectivePageSize(req.page_size()));
  const uint64_t filters = FiltersOf(req);
  QPP_ASSIGN_OR_RETURN(std::string after,
                       paging::DecodePageToken(req.page_token(), filters));
  int64_t after_id = 0;
  if (!after.empty() && !absl::SimpleAtoi(after, &after_id)) {
    return status::InvalidField("page_token", "is malformed");
  }
  QPP_ASSIGN_OR_RETURN(auto ref, Reference());
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
  QPP_ASSIGN_OR_RETURN(
      auto rows, repo_->ListAssessments(*conn, uscc, after_id, page_size + 1));
  resp->set_next_page_token(paging::TakePage(
      rows, page_size, filters,
      [](const v1::SelfAssessment& a) { return NameTail(a.name()); }));
  for (auto& a : rows) {
    if (const ScoreSheetDef* sheet = ref->Sheet(a.sheet_version())) {
      ComputeScores(*sheet, a);
    }
    *resp->add_self_assessments() = std::move(a);
  }
  return absl::OkStatus();
}

absl::Status Registry::CreateBenchmarkDesignation(
    const v1::CreateBenchmarkDesignationRequest& req,
    v1::BenchmarkDesignation* resp) {
  QPP_ASSIGN_OR_RETURN(std::string uscc,
                       ParseOrganizationName(req.parent(), "parent"));
  QPP_ASSIGN_OR_RETURN(auto ref, Reference());
  const absl::Time now = clock_();
  const absl::CivilDay today = Today(now);
  return db::RunIdempotent(
      pool_, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(StoredOrganization stored,
                             LoadForChange(conn, uscc, ""));
        v1::BenchmarkDesignation designation = req.benchmark_designation();
        QPP_RETURN_IF_ERROR(PrepareBenchmark(
            designation, stored.org.industry_code(), *ref, today));
        if (stored.org.state() != v1::ORGANIZATION_STATE_ACTIVE) {
          return Archived(uscc);
        }
        if (stored.org.adoption_status() < v1::ADOPTION_STATUS_ADOPTED) {
          return WithReason(absl::StatusCode::kFailedPrecondition,
                            "MODEL_NOT_ADOPTED",
                            "only organisations that have adopted the "
                            "excellence model can be designated benchmarks");
        }
        if (stored.org.credit().standing() != v1::CREDIT_STANDING_GOOD) {
          return WithReason(absl::StatusCode::kFailedPrecondition,
                            "CREDIT_RESTRICTED",
                            "the organisation's credit standing is restricted");
        }
        const char section = *ref->SectionOf(designation.industry_code());
        absl::Status s =
            repo_->InsertBenchmark(conn, uscc, designation, section, now);
        if (s.code() == absl::StatusCode::kAlreadyExists) {
          return WithReason(absl::StatusCode::kAlreadyExists,
                            "BENCHMARK_EXISTS",
                            absl::StrCat(req.parent(),
                                         " is already a "
                                         "benchmark in ",
                                         designation.year()));
        }
        QPP_RETURN_IF_ERROR(s);
        if (stored.org.adoption_status() != v1::ADOPTION_STATUS_BENCHMARK) {
          v1::Organization org = stored.org;
          org.set_adoption_status(v1::ADOPTION_STATUS_BENCHMARK);
          // A designation recorded for a past year counts from that year.
          absl::CivilDay since = designation.year() < today.year()
                                     ? absl::CivilDay(designation.year(), 1, 1)
                                     : today;
          if (auto adopted = ToCivilDay(org.adoption_history().adopted_date());
              adopted && *adopted > since) {
            since = *adopted;
          }
          *org.mutable_adoption_history()->mutable_benchmark_date() =
              ToDate(since);
          v1::Organization ignored;
          QPP_RETURN_IF_ERROR(SaveOrganization(conn, stored, org, &ignored));
        }
        *resp = designation;
        resp->set_name(
            absl::StrCat(req.parent(), "/benchmarks/", designation.year()));
        *resp->mutable_create_time() = ToProto(now);
        return absl::OkStatus();
      });
}

absl::Status Registry::ListBenchmarkDesignations(
    const v1::ListBenchmarkDesignationsRequest& req,
    v1::ListBenchmarkDesignationsResponse* resp) {
  QPP_ASSIGN_OR_RETURN(std::string uscc, ParseParentOrAll(req.parent()));
  if (req.industry_section().size() > 1) {
    return status::InvalidField("industry_section", "must be one letter A..T");
  }
  QPP_ASSIGN_OR_RETURN(int page_size,
                       paging::EffectivePageSize(req.page_size()));
  const uint64_t filters = FiltersOf(req);
  QPP_ASSIGN_OR_RETURN(auto after, DecodeYearKey(req.page_token(), filters));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
  QPP_ASSIGN_OR_RETURN(auto rows, repo_->ListBenchmarks(*conn, uscc, req.year(),
                                                        req.industry_section(),
                                                        after, page_size + 1));
  resp->set_next_page_token(paging::TakePage(
      rows, page_size, filters, [](const v1::BenchmarkDesignation& b) {
        return YearKey(b.year(), b.name());
      }));
  for (auto& b : rows) *resp->add_benchmark_designations() = std::move(b);
  return absl::OkStatus();
}

absl::Status Registry::DeleteBenchmarkDesignation(
    const v1::DeleteBenchmarkDesignationRequest& req,
    v1::DeleteBenchmarkDesignationResponse* resp) {
  QPP_ASSIGN_OR_RETURN(auto parts,
                       ParseChildName(req.name(), "benchmarks", "name"));
  QPP_ASSIGN_OR_RETURN(int year, ParseYearId(parts.second, "name"));
  return db::RunIdempotent(
      pool_, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(StoredOrganization stored,
                             LoadForChange(conn, parts.first, ""));
        QPP_ASSIGN_OR_RETURN(bool deleted,
                             repo_->DeleteBenchmark(conn, parts.first, year));
        if (!deleted) return NotFound(req.name());
        QPP_ASSIGN_OR_RETURN(auto first,
                             repo_->FirstBenchmarkYear(conn, parts.first));
        if (!first.has_value() &&
            stored.org.adoption_status() == v1::ADOPTION_STATUS_BENCHMARK) {
          v1::Organization org = stored.org;
          org.set_adoption_status(v1::ADOPTION_STATUS_ADOPTED);
          org.mutable_adoption_history()->clear_benchmark_date();
          v1::Organization ignored;
          QPP_RETURN_IF_ERROR(SaveOrganization(conn, stored, org, &ignored));
        }
        return absl::OkStatus();
      });
}

absl::Status Registry::CreatePartnership(
    const v1::CreatePartnershipRequest& req, v1::Partnership* resp) {
  QPP_ASSIGN_OR_RETURN(std::string uscc,
                       ParseOrganizationName(req.partnership().partner(),
                                             "partnership.partner"));
  QPP_ASSIGN_OR_RETURN(auto ref, Reference());
  const absl::Time now = clock_();
  status::FieldErrors errors;
  ValidatePartnership(req.partnership(), *ref, Today(now), errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  return db::RunIdempotent(
      pool_, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(StoredOrganization partner,
                             RequireActive(conn, uscc));
        const auto kind = partner.org.kind();
        if (kind != v1::ORGANIZATION_KIND_INDUSTRY_ASSOCIATION &&
            kind != v1::ORGANIZATION_KIND_CHAMBER_OF_COMMERCE &&
            kind != v1::ORGANIZATION_KIND_SOCIAL_ORGANIZATION) {
          return WithReason(absl::StatusCode::kFailedPrecondition,
                            "PARTNER_KIND",
                            "a partner must be an industry association, "
                            "chamber of commerce or social organisation");
        }
        std::vector<std::string> members;
        for (const auto& m : req.partnership().members()) {
          members.push_back(m.substr(sizeof("organizations/") - 1));
        }
        QPP_ASSIGN_OR_RETURN(auto existing,
                             repo_->ExistingUsccs(conn, members));
        for (size_t i = 0; i < members.size(); ++i) {
          if (existing.count(members[i]) == 0) {
            return status::InvalidField(
                absl::StrCat("partnership.members[", i, "]"),
                "is not a registered organisation");
          }
        }
        absl::Status s =
            repo_->InsertPartnership(conn, uscc, req.partnership(), now);
        if (s.code() == absl::StatusCode::kAlreadyExists) {
          return WithReason(
              absl::StatusCode::kAlreadyExists, "PARTNERSHIP_EXISTS",
              absl::StrCat("partnerships/", uscc, " already exists"));
        }
        QPP_RETURN_IF_ERROR(s);
        QPP_ASSIGN_OR_RETURN(auto stored,
                             repo_->GetPartnership(conn, uscc, false));
        *resp = std::move(stored->first);
        return absl::OkStatus();
      });
}

absl::Status Registry::GetPartnership(const v1::GetPartnershipRequest& req,
                                      v1::Partnership* resp) {
  if (!absl::StartsWith(req.name(), "partnerships/")) {
    return status::InvalidField("name", "must be \"partnerships/{uscc}\"");
  }
  const std::string uscc = NameTail(req.name());
  if (!validation::IsValidUscc(uscc)) {
    return status::InvalidField("name", "does not end in a valid USCC");
  }
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
  QPP_ASSIGN_OR_RETURN(auto found, repo_->GetPartnership(*conn, uscc, false));
  if (!found.has_value()) return NotFound(req.name());
  *resp = std::move(found->first);
  return absl::OkStatus();
}

absl::Status Registry::ListPartnerships(const v1::ListPartnershipsRequest& req,
                                        v1::ListPartnershipsResponse* resp) {
  if (req.industry_code().size() > 4) {
    return status::InvalidField("industry_code", "is at most 4 digits");
  }
  QPP_ASSIGN_OR_RETURN(int page_size,
                       paging::EffectivePageSize(req.page_size()));
  const uint64_t filters = FiltersOf(req);
  QPP_ASSIGN_OR_RETURN(std::string after,
                       paging::DecodePageToken(req.page_token(), filters));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
  QPP_ASSIGN_OR_RETURN(
      auto rows, repo_->ListPartnerships(*conn, req.industry_code(), after,
                                         page_size + 1));
  resp->set_next_page_token(paging::TakePage(
      rows, page_size, filters,
      [](const v1::Partnership& p) { return NameTail(p.name()); }));
  for (auto& p : rows) *resp->add_partnerships() = std::move(p);
  return absl::OkStatus();
}

absl::Status Registry::UpdatePartnership(
    const v1::UpdatePartnershipRequest& req, v1::Partnership* resp) {
  const std::string& name = req.partnership().name();
  const std::string uscc = NameTail(name);
  if (!absl::StartsWith(name, "partnerships/") ||
      !validation::IsValidUscc(uscc)) {
    return status::InvalidField("partnership.name",
                                "must be \"partnerships/{uscc}\"");
  }
  static const std::set<std::string> kFields = {"industry_codes", "members",
                                                "start_date", "remarks"};
  status::FieldErrors errors;
  std::vector<std::string> paths;
  for (const auto& path : req.update_mask().paths()) {
    if (kFields.count(path) == 0) {
      errors.Add("update_mask", absl::StrCat("\"", path.substr(0, 64),
                                             "\" is not an updatable field"));
    }
    paths.push_back(path);
  }
  if (paths.empty()) errors.Add("update_mask", "is required");
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_ASSIGN_OR_RETURN(auto ref, Reference());
  const absl::Time now = clock_();
  ValidatePartnership(req.partnership(), *ref, Today(now), errors, paths);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  return db::RunIdempotent(
      pool_, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(auto found,
                             repo_->GetPartnership(conn, uscc, true));
        if (!found.has_value()) return NotFound(name);
        auto& [current, version] = *found;
        if (!req.partnership().etag().empty() &&
            req.partnership().etag() != current.etag()) {
          return WithReason(absl::StatusCode::kAborted, "ETAG_MISMATCH",
                            "the partnership changed since it was read");
        }
        v1::Partnership updated = current;
        for (const auto& path : paths) {
          if (path == "industry_codes") {
            *updated.mutable_industry_codes() =
                req.partnership().industry_codes();
          }
          if (path == "members") {
            *updated.mutable_members() = req.partnership().members();
          }
          if (path == "start_date") {
            *updated.mutable_start_date() = req.partnership().start_date();
          }
          if (path == "remarks")
            updated.set_remarks(req.partnership().remarks());
        }
        std::vector<std::string> members;
        for (const auto& m : updated.members()) {
          members.push_back(m.substr(sizeof("organizations/") - 1));
        }
        QPP_ASSIGN_OR_RETURN(auto existing,
                             repo_->ExistingUsccs(conn, members));
        if (existing.size() != members.size()) {
          return status::InvalidField("partnership.members",
                                      "lists an unregistered organisation");
        }
        QPP_ASSIGN_OR_RETURN(
            bool written,
            repo_->UpdatePartnership(conn, uscc, updated, version, now));
        if (!written) {
          return WithReason(absl::StatusCode::kAborted, "CONCURRENT_UPDATE",
                            "the partnership changed meanwhile; retry");
        }
        QPP_ASSIGN_OR_RETURN(auto stored,
                             repo_->GetPartnership(conn, uscc, false));
        *resp = std::move(stored->first);
        return absl::OkStatus();
      });
}

absl::Status Registry::DeletePartnership(
    const v1::DeletePartnershipRequest& req,
    v1::DeletePartnershipResponse* resp) {
  const std::string uscc = NameTail(req.name());
  if (!absl::StartsWith(req.name(), "partnerships/") ||
      !validation::IsValidUscc(uscc)) {
    return status::InvalidField("name", "must be \"partnerships/{uscc}\"");
  }
  return db::RunIdempotent(
      pool_, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(bool deleted,
                             repo_->DeletePartnership(conn, uscc));
        return deleted ? absl::OkStatus() : NotFound(req.name());
      });
}

absl::Status Registry::GetTargetCounts(const v1::GetTargetCountsRequest& req,
                                       v1::TargetCounts* resp) {
  const absl::CivilDay today = Today(clock_());
  if (req.year() < 2000 || req.year() > today.year()) {
    return status::InvalidField("year",
                                absl::StrCat("must be 2000..", today.year()));
  }
  const absl::CivilDay end_of_year(req.year(), 12, 31);
  const absl::CivilDay as_of = end_of_year < today ? end_of_year : today;
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
  QPP_ASSIGN_OR_RETURN(*resp,
                       repo_->CountTargets(*conn, req.year(), as_of,
                                           options_.improvement_margin_points));
  return absl::OkStatus();
}

}  // namespace qpp::registry
