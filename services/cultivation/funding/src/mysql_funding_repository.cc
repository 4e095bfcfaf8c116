#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/db/sql_values.h"
#include "common/status/status.h"
#include "services/cultivation/funding/src/funding_repository.h"

namespace qpp::funding {
namespace {

using db::Row;
using db::Rows;
using db::SqlParam;

constexpr char kDecisionColumns[] =
    "d.id, d.uscc, d.scheme_code, d.rule_version, d.outcome, d.valid_from, "
    "d.valid_to, d.amount_cap_fen, d.decide_time, d.supersedes, d.sequence, "
    "d.fingerprint, d.body";

DecisionRecord DecisionAt(const Row& r) {
  DecisionRecord d;
  d.id = r.Int(0);
  d.uscc = r.String(1);
  d.scheme = r.String(2);
  d.rule_version = static_cast<int32_t>(r.Int(3));
  d.outcome = static_cast<v1::Outcome>(r.Int(4));
  d.valid_from = db::DayAt(r, 5);
  d.valid_to = db::DayAt(r, 6);
  d.amount_cap_fen = r.Int(7);
  d.decide_time = db::TimeAt(r, 8);
  d.supersedes = db::OptionalIntAt(r, 9);
  d.sequence = r.Int(10);
  d.fingerprint = r.String(11);
  d.body = r.String(12);
  return d;
}

absl::StatusOr<std::vector<DecisionRecord>> QueryDecisions(
    db::Connection& conn, const std::string& sql,
    const std::vector<SqlParam>& params) {
  QPP_ASSIGN_OR_RETURN(Rows rows, conn.Query(sql, params));
  std::vector<DecisionRecord> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(DecisionAt(r));
  return out;
}

class MysqlFundingRepository final : public FundingRepository {
 public:
  absl::Status InsertScheme(db::Connection& conn,
                            const SchemeRecord& scheme) override {
    return conn
        .Execute(
            "INSERT INTO funding_schemes (code, title, kind, create_time) "
            "VALUES (?, ?, ?, ?)",
            {scheme.code, scheme.title, int64_t{scheme.kind},
             db::SqlTime(scheme.create_time)})
        .status();
  }

  absl::Status InsertRule(db::Connection& conn,
                          const RuleVersion& rule) override {
    return conn
        .Execute(
            "INSERT INTO funding_rules (scheme_code, version, effective_from, "
            "amount_cap_fen, validity_months, min_score, min_count, basis, "
            "create_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {rule.scheme, int64_t{rule.version},
             db::SqlDay(rule.effective_from), rule.amount_cap_fen,
             int64_t{rule.validity_months}, rule.min_score,
             int64_t{rule.min_count}, rule.basis,
             db::SqlTime(rule.create_time)})
        .status();
  }

  absl::StatusOr<std::optional<SchemeRecord>> GetScheme(
      db::Connection& conn, const std::string& code, bool for_update) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(absl::StrCat("SELECT code, title, kind, create_time FROM "
                                "funding_schemes WHERE code = ?",
                                for_update ? " FOR UPDATE" : ""),
                   {code}));
    if (rows.empty()) return std::nullopt;
    std::vector<SchemeRecord> schemes = {SchemeAt(rows[0])};
    QPP_RETURN_IF_ERROR(AddRules(conn, schemes));
    return std::move(schemes[0]);
  }

  absl::StatusOr<std::vector<SchemeRecord>> ListSchemes(
      db::Connection& conn, const std::string& after_code, int limit) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("SELECT code, title, kind, create_time FROM "
                              "funding_schemes WHERE code > ? ORDER BY code "
                              "LIMIT ?",
                              {after_code, int64_t{limit}}));
    std::vector<SchemeRecord> schemes;
    for (const Row& r : rows) schemes.push_back(SchemeAt(r));
    QPP_RETURN_IF_ERROR(AddRules(conn, schemes));
    return schemes;
  }

  absl::StatusOr<CurrentDecision> LockCurrent(
      db::Connection& conn, const std::string& uscc,
      const std::string& scheme) override {
    // An upsert that changes nothing takes the row's exclusive lock at
    // once, whether the row is new or not (no shared-then-exclusive
    // upgrade, which deadlocks between two first evaluations).
    QPP_RETURN_IF_ERROR(
        conn.Execute("INSERT INTO current_decisions (uscc, scheme_code, "
                     "decision_id, fingerprint) VALUES (?, ?, 0, '') ON "
                     "DUPLICATE KEY UPDATE decision_id = decision_id",
                     {uscc, scheme})
            .status());
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT decision_id, fingerprint FROM current_decisions "
                   "WHERE uscc = ? AND scheme_code = ? FOR UPDATE",
                   {uscc, scheme}));
    CurrentDecision current;
    if (!rows.empty()) {
      current.decision_id = rows[0].Int(0);
      current.fingerprint = rows[0].String(1);
    }
    return current;
  }

  absl::StatusOr<std::optional<DecisionRecord>> GetCurrentDecision(
      db::Connection& conn, const std::string& uscc,
      const std::string& scheme) override {
    QPP_ASSIGN_OR_RETURN(
        std::vector<DecisionRecord> rows,
        QueryDecisions(
            conn,
            absl::StrCat("SELECT ", kDecisionColumns,
                         " FROM current_decisions c JOIN eligibility_decisions "
                         "d ON d.id = c.decision_id WHERE c.uscc = ? AND "
                         "c.scheme_code = ?"),
            {uscc, scheme}));
    if (rows.empty()) return std::nullopt;
    return std::move(rows[0]);
  }

  absl::StatusOr<int64_t> InsertDecision(db::Connection& conn,
                                         const DecisionRecord& d) override {
    QPP_RETURN_IF_ERROR(
        conn.Execute(
                "INSERT INTO eligibility_decisions (uscc, scheme_code, "
                "rule_version, outcome, valid_from, valid_to, amount_cap_fen, "
                "decide_time, supersedes, fingerprint, body) VALUES (?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?, ?)",
                {d.uscc, d.scheme, int64_t{d.rule_version}, int64_t{d.outcome},
                 db::SqlDayOrNull(d.valid_from), db::SqlDayOrNull(d.valid_to),
                 d.amount_cap_fen, db::SqlTime(d.decide_time),
                 d.supersedes.has_value() ? SqlParam(*d.supersedes)
                                          : SqlParam(nullptr),
                 d.fingerprint, d.body})
            .status());
    return conn.LastInsertId();
  }

  absl::Status SetCurrent(db::Connection& conn, const std::string& uscc,
                          const std::string& scheme, int64_t decision_id,
                          const std::string& fingerprint) override {
    return conn
        .Execute(
            "UPDATE current_decisions SET decision_id = ?, fingerprint = ? "
            "WHERE uscc = ? AND scheme_code = ?",
            {decision_id, fingerprint, uscc, scheme})
        .status();
  }

  absl::StatusOr<int64_t> AssignSequence(db::Connection& conn,
                                         int64_t id) override {
    QPP_RETURN_IF_ERROR(
        conn.Execute("UPDATE decision_feed_counter SET last_sequence = "
                     "LAST_INSERT_ID(last_sequence + 1) WHERE id = 1",
                     {})
            .status());
    QPP_ASSIGN_OR_RETURN(const int64_t sequence, conn.LastInsertId());
    QPP_RETURN_IF_ERROR(
        conn.Execute("UPDATE eligibility_decisions SET sequence = ? WHERE id "
                     "= ?",
                     {sequence, id})
            .status());
    return sequence;
  }

  absl::StatusOr<std::optional<DecisionRecord>> GetDecision(
      db::Connection& conn, int64_t id) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(absl::StrCat("SELECT ", kDecisionColumns,
                                ", c.decision_id FROM eligibility_decisions d "
                                "LEFT JOIN current_decisions c ON c.uscc = "
                                "d.uscc AND c.scheme_code = d.scheme_code "
                                "WHERE d.id = ?"),
                   {id}));
    if (rows.empty()) return std::nullopt;
    DecisionRecord d = DecisionAt(rows[0]);
    d.superseded = rows[0].Int(13) != d.id;
    return d;
  }

  absl::StatusOr<std::vector<DecisionRecord>> ListCurrent(
      db::Connection& conn, const std::string& scheme, absl::CivilDay day,
      v1::Outcome outcome, int64_t after_id, int limit) override {
    std::vector<SqlParam> params = {scheme,
                                    after_id,
                                    db::SqlTime(dates::EndOfDay(day)),
                                    int64_t{v1::OUTCOME_ELIGIBLE},
                                    db::SqlDay(day),
                                    db::SqlDay(day)};
    std::string sql = absl::StrCat(
        "SELECT ", kDecisionColumns,
        " FROM current_decisions c JOIN eligibility_decisions d ON d.id = "
        "c.decision_id WHERE c.scheme_code = ? AND c.decision_id > ? AND "
        "d.decide_time < ? AND (d.outcome <> ? OR (d.valid_from <= ? AND "
        "d.valid_to >= ?))");
    if (outcome != v1::OUTCOME_UNSPECIFIED) {
      sql += " AND d.outcome = ?";
      params.push_back(int64_t{outcome});
    }
    sql += " ORDER BY c.decision_id LIMIT ?";
    params.push_back(int64_t{limit});
    return QueryDecisions(conn, sql, params);
  }

  absl::StatusOr<std::vector<DecisionRecord>> ListChanges(
      db::Connection& conn, int64_t after_sequence, int limit) override {
    return QueryDecisions(
        conn,
        absl::StrCat("SELECT ", kDecisionColumns,
                     " FROM eligibility_decisions d WHERE d.sequence > ? "
                     "ORDER BY d.sequence LIMIT ?"),
        {after_sequence, int64_t{limit}});
  }

  absl::StatusOr<int64_t> SumDisbursed(db::Connection& conn,
                                       const std::string& uscc,
                                       const std::string& scheme,
                                       absl::CivilDay from,
                                       absl::CivilDay to) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(
            "SELECT COALESCE(SUM(b.amount_fen), 0) FROM disbursements b JOIN "
            "eligibility_decisions d ON d.id = b.decision_id WHERE d.uscc = ? "
            "AND d.scheme_code = ? AND d.valid_to >= ? AND d.valid_from <= ? "
            // A locking read sees the latest committed payments, not the
            // transaction's snapshot, which an earlier read may have taken
            // before the pair's lock was granted.
            "LOCK IN SHARE MODE",
            {uscc, scheme, db::SqlDay(from), db::SqlDay(to)}));
    return rows.empty() ? 0 : rows[0].Int(0);
  }

  absl::StatusOr<int64_t> SumDisbursedOn(db::Connection& conn,
                                         int64_t decision_id) override {
    QPP_ASSIGN_OR_RETURN(Rows rows,
                         conn.Query("SELECT COALESCE(SUM(amount_fen), 0) FROM "
                                    "disbursements WHERE decision_id = ?",
                                    {decision_id}));
    return rows.empty() ? 0 : rows[0].Int(0);
  }

  absl::StatusOr<int64_t> InsertDisbursement(
      db::Connection& conn, const DisbursementRecord& b) override {
    QPP_RETURN_IF_ERROR(
        conn.Execute("INSERT INTO disbursements (decision_id, amount_fen, "
                     "paid_on, voucher_reference, recorded_by, create_time) "
                     "VALUES (?, ?, ?, ?, ?, ?)",
                     {b.decision_id, b.amount_fen, db::SqlDay(b.paid_on),
                      b.voucher_reference, b.recorded_by,
                      db::SqlTime(b.create_time)})
            .status());
    return conn.LastInsertId();
  }

  absl::StatusOr<std::vector<DisbursementRecord>> ListDisbursements(
      db::Connection& conn, int64_t decision_id) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT id, decision_id, amount_fen, paid_on, "
                   "voucher_reference, recorded_by, create_time FROM "
                   "disbursements WHERE decision_id = ? ORDER BY id",
                   {decision_id}));
    std::vector<DisbursementRecord> out;
    for (const Row& r : rows) {
      DisbursementRecord b;
      b.id = r.Int(0);
      b.decision_id = r.Int(1);
      b.amount_fen = r.Int(2);
      b.paid_on = db::DayAt(r, 3).value_or(absl::CivilDay());
      b.voucher_reference = r.String(4);
      b.recorded_by = r.String(5);
      b.create_time = db::TimeAt(r, 6);
      out.push_back(std::move(b));
    }
    return out;
  }

  absl::StatusOr<std::string> GetCursor(db::Connection& conn,
                                        const std::string& source) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT cursor_token FROM feed_cursors WHERE source = ?",
                   {source}));
    return rows.empty() ? std::string() : rows[0].String(0);
  }

  absl::Status SetCursor(db::Connection& conn, const std::string& source,
                         const std::string& cursor, absl::Time now) override {
    return conn
        .Execute(
            "INSERT INTO feed_cursors (source, cursor_token, update_time) "
            "VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE cursor_token = "
            "VALUES(cursor_token), update_time = VALUES(update_time)",
            {source, cursor, db::SqlTime(now)})
        .status();
  }

  absl::StatusOr<std::vector<std::string>> SchemesDecidedFor(
      db::Connection& conn, const std::string& uscc) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("SELECT scheme_code FROM current_decisions "
                              "WHERE uscc = ? AND decision_id <> 0 ORDER BY "
                              "scheme_code",
                              {uscc}));
    std::vector<std::string> out;
    for (const Row& r : rows) out.push_back(r.String(0));
    return out;
  }

  absl::Status RequestReevaluation(db::Connection& conn,
                                   const std::string& uscc,
                                   const std::string& reason,
                                   absl::Time now) override {
    return conn
        .Execute(
            "INSERT INTO reevaluation_requests (uscc, reason, "
            "create_time) VALUES (?, ?, ?)",
            {uscc, reason.substr(0, 200), db::SqlTime(now)})
        .status();
  }

  absl::StatusOr<std::vector<std::pair<int64_t, std::string>>>
  QueuedReevaluations(db::Connection& conn, int limit) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("SELECT id, uscc FROM reevaluation_requests "
                              "ORDER BY id LIMIT ?",
                              {int64_t{limit}}));
    std::vector<std::pair<int64_t, std::string>> out;
    for (const Row& r : rows) out.emplace_back(r.Int(0), r.String(1));
    return out;
  }

  absl::Status DeleteReevaluation(db::Connection& conn, int64_t id) override {
    return conn.Execute("DELETE FROM reevaluation_requests WHERE id = ?", {id})
        .status();
  }

  absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  DecisionsToSweep(db::Connection& conn,
                   const std::vector<v1::SchemeKind>& kinds,
                   absl::CivilDay today, const std::string& after_uscc,
                   const std::string& after_scheme, int limit) override {
    std::string kind_list;
    for (v1::SchemeKind kind : kinds) {
      absl::StrAppend(&kind_list, kind_list.empty() ? "" : ", ",
                      static_cast<int>(kind));
    }
    if (kind_list.empty()) kind_list = "-1";
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(
            absl::StrCat(
                "SELECT c.uscc, c.scheme_code FROM current_decisions c JOIN "
                "funding_schemes s ON s.code = c.scheme_code JOIN "
                "eligibility_decisions d ON d.id = c.decision_id WHERE "
                "(c.uscc, c.scheme_code) > (?, ?) AND (s.kind IN (",
                kind_list,
                ") OR (d.outcome = ? AND d.valid_to < ?)) ORDER BY c.uscc, "
                "c.scheme_code LIMIT ?"),
            {after_uscc, after_scheme, int64_t{v1::OUTCOME_ELIGIBLE},
             db::SqlDay(today), int64_t{limit}}));
    std::vector<std::pair<std::string, std::string>> out;
    for (const Row& r : rows) out.emplace_back(r.String(0), r.String(1));
    return out;
  }

 private:
  static SchemeRecord SchemeAt(const Row& r) {
    SchemeRecord s;
    s.code = r.String(0);
    s.title = r.String(1);
    s.kind = static_cast<v1::SchemeKind>(r.Int(2));
    s.create_time = db::TimeAt(r, 3);
    return s;
  }

  // Reads the rules of `schemes`, oldest first, into each.
  static absl::Status AddRules(db::Connection& conn,
                               std::vector<SchemeRecord>& schemes) {
    for (SchemeRecord& s : schemes) {
      QPP_ASSIGN_OR_RETURN(
          Rows rows,
          conn.Query("SELECT version, effective_from, amount_cap_fen, "
                     "validity_months, min_score, min_count, basis, "
                     "create_time FROM funding_rules WHERE scheme_code = ? "
                     "ORDER BY version",
                     {s.code}));
      for (const Row& r : rows) {
        RuleVersion rule;
        rule.scheme = s.code;
        rule.version = static_cast<int32_t>(r.Int(0));
        rule.effective_from = db::DayAt(r, 1).value_or(absl::CivilDay());
        rule.amount_cap_fen = r.Int(2);
        rule.validity_months = static_cast<int32_t>(r.Int(3));
        rule.min_score = r.Double(4);
        rule.min_count = static_cast<int32_t>(r.Int(5));
        rule.basis = r.String(6);
        rule.create_time = db::TimeAt(r, 7);
        s.rules.push_back(std::move(rule));
      }
    }
    return absl::OkStatus();
  }
};

}  // namespace

std::unique_ptr<FundingRepository> NewMysqlFundingRepository() {
  return std::make_unique<MysqlFundingRepository>();
}

}  // namespace qpp::funding
