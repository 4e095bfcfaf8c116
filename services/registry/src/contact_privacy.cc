#include "services/registry/src/contact_privacy.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/resource/names.h"
#include "common/status/status.h"
#include "services/registry/src/contact_rules.h"
#include "services/registry/src/district_scope.h"

namespace qpp::registry {
namespace {

// "key 1: 3 rows, key 2: 40 rows", or "no rows" when none is sealed.
std::string UsageText(const std::map<int, int64_t>& usage) {
  if (usage.empty()) return "no organisation has sealed contacts";
  std::vector<std::string> parts;
  for (const auto& [key, rows] : usage) {
    parts.push_back(absl::StrCat("key ", key, ": ", rows, " organisations"));
  }
  return absl::StrJoin(parts, ", ");
}

}  // namespace

ContactPrivacy::ContactPrivacy(const UseCaseContext& context,
                               std::unique_ptr<ContactRepository> repository)
    : context_(context), repository_(std::move(repository)) {}

absl::Status ContactPrivacy::RevealContacts(
    const RequestContext& call, const v1::RevealContactsRequest& req,
    v1::RevealContactsResponse* resp) {
  QPP_ASSIGN_OR_RETURN(std::string uscc,
                       resource::ParseOrganizationName(req.name(), "name"));
  QPP_RETURN_IF_ERROR(
      ValidateRevealRequest(req.reason(), req.contact_number()));
  if (call.principal().empty()) {
    return status::WithReason(
        absl::StatusCode::kPermissionDenied, "PRINCIPAL_REQUIRED",
        "revealing contacts is recorded with who asked; call through the "
        "gateway with your own credentials");
  }
  ContactReveal reveal;
  reveal.uscc = uscc;
  reveal.contact_number = req.contact_number();
  reveal.principal = call.principal().name;
  reveal.request_id = call.request_id();
  reveal.reason = req.reason();
  reveal.time = context_.clock();
  return db::WithTransaction(
      context_.pool, [&](db::Connection& conn) -> absl::Status {
        resp->Clear();
        QPP_ASSIGN_OR_RETURN(StoredOrganization stored,
                             context_.organizations.Load(
                                 conn, DistrictScope::Of(call.principal()),
                                 uscc, /*for_update=*/false));
        QPP_ASSIGN_OR_RETURN(Contacts contacts,
                             SelectContacts(stored.org.contacts(),
                                            req.contact_number(), req.name()));
        reveal.contacts_revealed = contacts.size();
        QPP_ASSIGN_OR_RETURN(int64_t id,
                             repository_->InsertReveal(conn, reveal));
        *resp->mutable_contacts() = std::move(contacts);
        resp->set_audit_id(id);
        return absl::OkStatus();
      });
}

absl::StatusOr<std::map<int, int64_t>> ContactPrivacy::KeyUsage() {
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  return repository_->CountByKeyId(*conn);
}

absl::StatusOr<ReencryptReport> ContactPrivacy::ReencryptContacts(
    int batch_size, absl::FunctionRef<void(const ReencryptReport&)> progress) {
  ReencryptReport report;
  report.key_id = context_.contacts.active_key_id();
  if (report.key_id == 0) {
    return absl::FailedPreconditionError("no data keyring is configured");
  }
  if (batch_size < 1) batch_size = 1;
  std::string after;
  for (;;) {
    std::vector<SealedContacts> batch;
    {
      QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
      QPP_ASSIGN_OR_RETURN(batch, repository_->ListSealedNotUnder(
                                      *conn, report.key_id, after, batch_size));
      for (const SealedContacts& row : batch) {
        after = row.uscc;
        absl::StatusOr<std::string> resealed =
            context_.contacts.Reseal(row.blob, row.uscc);
        if (!resealed.ok()) {
          return absl::Status(
              resealed.status().code(),
              absl::StrCat("contacts of ", row.uscc, " (key ",
                           crypto::DataCipher::KeyIdOf(row.blob),
                           "): ", resealed.status().message(), "; ",
                           report.reencrypted, " rows re-encrypted so far"));
        }
        QPP_ASSIGN_OR_RETURN(bool written,
                             repository_->ReplaceSealed(*conn, row, *resealed));
        ++(written ? report.reencrypted : report.skipped);
      }
    }
    if (batch.empty()) break;
    progress(report);
  }
  QPP_ASSIGN_OR_RETURN(report.rows_by_key, KeyUsage());
  return report;
}

absl::Status ContactPrivacy::CheckKeyRetirement(int key_id) {
  QPP_ASSIGN_OR_RETURN(auto usage, KeyUsage());
  if (key_id < 1 || key_id > 255) {
    return absl::InvalidArgumentError("a key id is 1..255");
  }
  if (key_id == context_.contacts.active_key_id()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "key ", key_id,
        " is the active key: add a key with a higher id, re-encrypt, then "
        "retire it (",
        UsageText(usage), ")"));
  }
  auto it = usage.find(key_id);
  if (it != usage.end() && it->second > 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "key ", key_id, " still seals the contacts of ", it->second,
        " organisations; run --reencrypt_contacts first (", UsageText(usage),
        ")"));
  }
  return absl::OkStatus();
}

}  // namespace qpp::registry
