#include "absl/strings/str_cat.h"
#include "common/db/sql_values.h"
#include "common/db/where_clause.h"
#include "common/status/status.h"
#include "services/training/src/training_repository.h"

namespace qpp::training {
namespace {

using db::Row;
using db::Rows;

absl::StatusOr<std::vector<CertificateRecord>> QueryCertificates(
    db::Connection& conn, const db::WhereClause& where, int limit,
    bool for_update) {
  std::vector<db::SqlParam> params = where.params();
  params.push_back(int64_t{limit});
  QPP_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query(
          absl::StrCat(
              "SELECT c.id, c.number, c.verification_code, "
              "c.certificate_type, c.trainee_id, t.display_name, "
              "COALESCE(c.registration_id, 0), c.issuing_body, "
              "c.issue_date, c.expiry_date, c.revoked, c.revoke_reason, "
              "c.revoked_by, c.revoke_time, c.create_time, c.version "
              "FROM certificates c JOIN trainees t ON t.id = c.trainee_id",
              where.Sql(), " ORDER BY c.id LIMIT ?",
              for_update ? " FOR UPDATE" : ""),
          params));
  std::vector<CertificateRecord> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    CertificateRecord c;
    c.id = r.Int(0);
    c.number = r.String(1);
    c.verification_code = r.String(2);
    c.type = static_cast<v1::CertificateType>(r.Int(3));
    c.trainee_id = r.Int(4);
    c.holder_name = r.String(5);
    c.registration_id = r.Int(6);
    c.issuing_body = r.String(7);
    c.issue_date = db::DayAt(r, 8).value_or(absl::CivilDay());
    c.expiry_date = db::DayAt(r, 9).value_or(absl::CivilDay());
    c.revoked = r.Bool(10);
    c.revoke_reason = r.String(11);
    c.revoked_by = r.String(12);
    if (!r.IsNull(13)) c.revoke_time = db::TimeAt(r, 13);
    c.create_time = db::TimeAt(r, 14);
    c.version = r.Int(15);
    out.push_back(std::move(c));
  }
  return out;
}

class MysqlCertificateRepository final : public CertificateRepository {
 public:
  absl::StatusOr<int64_t> InsertCertificate(db::Connection& conn,
                                            const CertificateRecord& c,
                                            absl::Time now) override {
    QPP_RETURN_IF_ERROR(
        conn.Execute(
                "INSERT INTO certificates (verification_code, "
                "certificate_type, trainee_id, registration_id, issuing_body, "
                "issue_date, expiry_date, create_time, version) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, 1)",
                {c.verification_code, int64_t{c.type}, c.trainee_id,
                 c.registration_id == 0 ? db::SqlParam(nullptr)
                                        : db::SqlParam(c.registration_id),
                 c.issuing_body, db::SqlDay(c.issue_date),
                 db::SqlDay(c.expiry_date), db::SqlTime(now)})
            .status());
    return conn.LastInsertId();
  }

  absl::Status SetNumber(db::Connection& conn, int64_t id,
                         const std::string& number) override {
    return conn
        .Execute("UPDATE certificates SET number = ? WHERE id = ?",
                 {number, id})
        .status();
  }

  absl::StatusOr<std::optional<CertificateRecord>> GetCertificate(
      db::Connection& conn, const std::string& number,
      bool for_update) override {
    db::WhereClause where;
    where.And("c.number = ?", {number});
    QPP_ASSIGN_OR_RETURN(auto list,
                         QueryCertificates(conn, where, 1, for_update));
    if (list.empty()) return std::nullopt;
    return std::move(list[0]);
  }

  absl::StatusOr<std::vector<CertificateRecord>> ListCertificates(
      db::Connection& conn, const CertificateFilter& filter, int64_t after_id,
      int limit) override {
    db::WhereClause where;
    // Numbered: a certificate gets its number in the transaction that
    // inserts it.
    where.And("c.id > ? AND c.number IS NOT NULL", {after_id});
    if (filter.trainee_id != 0) {
      where.And("c.trainee_id = ?", {filter.trainee_id});
    }
    if (!filter.employer_uscc.empty()) {
      where.And("t.employer_uscc = ?", {filter.employer_uscc});
    }
    if (filter.type != v1::CERTIFICATE_TYPE_UNSPECIFIED) {
      where.And("c.certificate_type = ?", {int64_t{filter.type}});
    }
    const std::string today = db::SqlDay(filter.today);
    switch (filter.state) {
      case v1::Certificate::STATE_VALID:
        where.And("c.revoked = 0 AND c.expiry_date >= ?", {today});
        break;
      case v1::Certificate::STATE_REVOKED:
        where.And("c.revoked = 1", {});
        break;
      case v1::Certificate::STATE_EXPIRED:
        where.And("c.revoked = 0 AND c.expiry_date < ?", {today});
        break;
      default:
        break;
    }
    return QueryCertificates(conn, where, limit, /*for_update=*/false);
  }

  absl::Status SetRevoked(db::Connection& conn, int64_t id, bool revoked,
                          const std::string& reason, const std::string& by,
                          absl::Time now) override {
    return conn
        .Execute(
            "UPDATE certificates SET revoked = ?, revoke_reason = ?, "
            "revoked_by = ?, revoke_time = ?, version = version + 1 "
            "WHERE id = ?",
            {int64_t{revoked ? 1 : 0}, reason, by,
             revoked ? db::SqlParam(db::SqlTime(now)) : db::SqlParam(nullptr),
             id})
        .status();
  }

  absl::Status RecordVerifications(
      db::Connection& conn, absl::Span<const VerificationRow> rows) override {
    // Multi-row INSERTs of a few fixed sizes, so that a connection caches
    // at most four prepared statements whatever the size of the group.
    static constexpr size_t kChunks[] = {64, 16, 4, 1};
    size_t at = 0;
    for (size_t chunk : kChunks) {
      while (rows.size() - at >= chunk) {
        std::string sql =
            "INSERT INTO certificate_verifications (number, matched, "
            "verify_time) VALUES (?, ?, ?)";
        for (size_t i = 1; i < chunk; ++i) sql += ", (?, ?, ?)";
        std::vector<db::SqlParam> params(chunk * 3);
        for (size_t i = 0; i < chunk; ++i) {
          const VerificationRow& row = rows[at + i];
          params[3 * i] = row.number.substr(0, 40);
          params[3 * i + 1] = int64_t{row.matched ? 1 : 0};
          params[3 * i + 2] = db::SqlTime(row.time);
        }
        QPP_RETURN_IF_ERROR(conn.Execute(sql, params).status());
        at += chunk;
      }
    }
    return absl::OkStatus();
  }
};

}  // namespace

std::unique_ptr<CertificateRepository> NewMysqlCertificateRepository() {
  return std::make_unique<MysqlCertificateRepository>();
}

}  // namespace qpp::training
