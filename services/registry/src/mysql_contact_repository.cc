#include "absl/strings/str_cat.h"
#include "common/db/sql_values.h"
#include "common/status/status.h"
#include "services/registry/src/contact_repository.h"

namespace qpp::registry {
namespace {

using db::Row;
using db::Rows;

class MysqlContactRepository final : public ContactRepository {
 public:
  absl::StatusOr<int64_t> InsertReveal(db::Connection& conn,
                                       const ContactReveal& r) override {
    QPP_RETURN_IF_ERROR(
        conn.Execute("INSERT INTO contact_reveals (uscc, contact_number, "
                     "contacts_revealed, principal, request_id, reason, "
                     "reveal_time) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     {r.uscc, int64_t{r.contact_number},
                      int64_t{r.contacts_revealed}, r.principal, r.request_id,
                      r.reason, db::SqlTime(r.time)})
            .status());
    return conn.LastInsertId();
  }

  absl::StatusOr<std::map<int, int64_t>> CountByKeyId(
      db::Connection& conn) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("SELECT contacts_key_id, COUNT(*) FROM "
                              "organizations WHERE contacts_key_id IS NOT "
                              "NULL GROUP BY contacts_key_id",
                              {}));
    std::map<int, int64_t> out;
    for (const Row& r : rows) out[static_cast<int>(r.Int(0))] = r.Int(1);
    return out;
  }

  absl::StatusOr<std::vector<SealedContacts>> ListSealedNotUnder(
      db::Connection& conn, int key_id, const std::string& after_uscc,
      int limit) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT uscc, contacts_encrypted, version FROM "
                   "organizations WHERE uscc > ? AND contacts_key_id IS NOT "
                   "NULL AND contacts_key_id <> ? ORDER BY uscc LIMIT ?",
                   {after_uscc, int64_t{key_id}, int64_t{limit}}));
    std::vector<SealedContacts> out;
    out.reserve(rows.size());
    for (const Row& r : rows) {
      out.push_back({r.String(0), r.String(1), r.Int(2)});
    }
    return out;
  }

  absl::StatusOr<bool> ReplaceSealed(db::Connection& conn,
                                     const SealedContacts& sealed,
                                     const std::string& blob) override {
    // update_time and version stay: what the organisation holds is the
    // same, so etags the clients keep stay valid.
    QPP_ASSIGN_OR_RETURN(
        uint64_t n,
        conn.Execute("UPDATE organizations SET contacts_encrypted = ? "
                     "WHERE uscc = ? AND version = ?",
                     {blob, sealed.uscc, sealed.version}));
    return n == 1;
  }
};

}  // namespace

std::unique_ptr<ContactRepository> NewMysqlContactRepository() {
  return std::make_unique<MysqlContactRepository>();
}

}  // namespace qpp::registry
