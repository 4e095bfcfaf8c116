// qppctl: the operators' command-line tool.
//
//   qppctl import FILE.csv       bulk-load organisations (UTF-8 CSV)
//   qppctl get USCC              show one organisation as JSON
//   qppctl list [filters]        list organisations as JSON lines
//   qppctl counts YEAR           the registry's programme target counts
//   qppctl import-scores ROUND FILE.csv
//                                a satisfaction survey round's scores
//
// It talks to the gateway (default) or straight to a service (--server).

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/config/config.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "qpp/demobase/v1/demobase_service.grpc.pb.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "tools/qppctl/csv.h"
#include "tools/qppctl/import.h"
#include "tools/qppctl/survey_import.h"

ABSL_FLAG(std::string, server, "127.0.0.1:9000",
          "Gateway (or registry) address, host:port.");
ABSL_FLAG(std::string, api_key, "",
          "API key for the gateway; prefer the QPP_API_KEY environment "
          "variable, which does not show in process listings.");
ABSL_FLAG(std::string, tls_ca_file, "",
          "PEM CA to verify the server with; enables TLS.");
ABSL_FLAG(int, timeout_seconds, 30,
          "Deadline of each call (import: total "
          "is unlimited, each chunk this long).");
ABSL_FLAG(int, chunk_rows, 500, "Rows per import message (1..1000).");
ABSL_FLAG(std::string, report, "",
          "Where import writes its per-row error report (CSV); default "
          "FILE.errors.csv.");
ABSL_FLAG(int, page_size, 100, "Page size for list.");
ABSL_FLAG(bool, all, false, "list: follow every page.");
ABSL_FLAG(std::string, district, "", "list: district code filter.");
ABSL_FLAG(std::string, industry, "", "list: industry code prefix filter.");
ABSL_FLAG(std::string, name_query, "", "list: part of the name.");
ABSL_FLAG(std::string, adoption, "",
          "list: adoption status (NOT_STARTED, INTRODUCING, ADOPTED, "
          "BENCHMARK).");

namespace qpp::qppctl {
namespace {

namespace v1 = ::qpp::registry::v1;

constexpr char kUsage[] =
    "qppctl: operators' tool for the Quality Promotion Platform.\n"
    "  qppctl [flags] import FILE.csv\n"
    "  qppctl [flags] get USCC\n"
    "  qppctl [flags] list [--district=440305] [--name_query=科技] [--all]\n"
    "  qppctl [flags] counts YEAR\n"
    "  qppctl [flags] import-scores surveyRounds/ID FILE.csv\n"
    "Flags may also be set as QPP_<FLAG> environment variables.";

std::shared_ptr<grpc::Channel> OpenChannel() {
  std::shared_ptr<grpc::ChannelCredentials> creds =
      grpc::InsecureChannelCredentials();
  if (!absl::GetFlag(FLAGS_tls_ca_file).empty()) {
    std::ifstream in(absl::GetFlag(FLAGS_tls_ca_file));
    std::stringstream ca;
    ca << in.rdbuf();
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ca.str();
    creds = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  return grpc::CreateCustomChannel(absl::GetFlag(FLAGS_server), creds, args);
}

std::unique_ptr<v1::RegistryService::Stub> Connect() {
  return v1::RegistryService::NewStub(OpenChannel());
}

void Prepare(grpc::ClientContext& ctx, bool with_deadline = true) {
  if (with_deadline) {
    ctx.set_deadline(
        std::chrono::system_clock::now() +
        std::chrono::seconds(absl::GetFlag(FLAGS_timeout_seconds)));
  }
  if (!absl::GetFlag(FLAGS_api_key).empty()) {
    ctx.AddMetadata("x-api-key", absl::GetFlag(FLAGS_api_key));
  }
}

int Fail(const grpc::Status& status) {
  std::cerr << "error: " << status.error_code() << " " << status.error_message()
            << "\n";
  return status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ? 2 : 1;
}

std::string Json(const google::protobuf::Message& message, bool pretty) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  options.preserve_proto_field_names = false;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!pretty) return out;
  return out;
}

int Get(const std::string& uscc) {
  auto stub = Connect();
  grpc::ClientContext ctx;
  Prepare(ctx);
  v1::GetOrganizationRequest req;
  req.set_name("organizations/" + uscc);
  v1::Organization org;
  grpc::Status status = stub->GetOrganization(&ctx, req, &org);
  if (!status.ok()) return Fail(status);
  std::cout << Json(org, true);
  return 0;
}

int List() {
  auto stub = Connect();
  v1::ListOrganizationsRequest req;
  req.set_page_size(absl::GetFlag(FLAGS_page_size));
  req.set_district_code(absl::GetFlag(FLAGS_district));
  req.set_industry_code(absl::GetFlag(FLAGS_industry));
  req.set_name_query(absl::GetFlag(FLAGS_name_query));
  if (!absl::GetFlag(FLAGS_adoption).empty()) {
    v1::AdoptionStatus status;
    if (!v1::AdoptionStatus_Parse(
            "ADOPTION_STATUS_" + absl::GetFlag(FLAGS_adoption), &status)) {
      std::cerr << "error: unknown --adoption value\n";
      return 2;
    }
    req.set_adoption_status(status);
  }
  while (true) {
    grpc::ClientContext ctx;
    Prepare(ctx);
    v1::ListOrganizationsResponse resp;
    grpc::Status status = stub->ListOrganizations(&ctx, req, &resp);
    if (!status.ok()) return Fail(status);
    for (const auto& org : resp.organizations()) {
      std::cout << Json(org, false) << "\n";
    }
    if (resp.next_page_token().empty() || !absl::GetFlag(FLAGS_all)) {
      if (!resp.next_page_token().empty()) {
        std::cerr << "(more results: add --all)\n";
      }
      return 0;
    }
    req.set_page_token(resp.next_page_token());
  }
}

int Counts(const std::string& year_text) {
  int year = 0;
  if (!absl::SimpleAtoi(year_text, &year)) {
    std::cerr << "error: YEAR must be a number\n";
    return 2;
  }
  auto stub = Connect();
  grpc::ClientContext ctx;
  Prepare(ctx);
  v1::GetTargetCountsRequest req;
  req.set_year(year);
  v1::TargetCounts counts;
  grpc::Status status = stub->GetTargetCounts(&ctx, req, &counts);
  if (!status.ok()) return Fail(status);
  std::cout << Json(counts, true);
  return 0;
}

// Draws "[#####.....]  n/total rows  pct  rate" on stderr.
void Progress(size_t sent, size_t total, double seconds, bool final) {
  if (!isatty(STDERR_FILENO) && !final) return;
  constexpr int kWidth = 30;
  const double fraction = total == 0 ? 1.0 : static_cast<double>(sent) / total;
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(filled, '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "\r[%s] %zu/%zu rows %3.0f%%  %.0f rows/s%s",
               bar.c_str(), sent, total, fraction * 100,
               seconds > 0 ? sent / seconds : 0.0, final ? "\n" : "");
  std::fflush(stderr);
}

int Import(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "error: cannot open " << path << "\n";
    return 2;
  }
  const int chunk_rows = absl::GetFlag(FLAGS_chunk_rows);
  if (chunk_rows < 1 || chunk_rows > 1000) {
    std::cerr << "error: --chunk_rows must be 1..1000\n";
    return 2;
  }
  // Parse the whole file first: a malformed file is reported before
  // anything is sent.
  CsvReader reader(in);
  std::vector<std::string> fields;
  int line = 0;
  if (!reader.Next(fields, line)) {
    std::cerr << "error: " << path << " is empty\n";
    return 2;
  }
  auto columns = ParseHeader(fields);
  if (!columns.ok()) {
    std::cerr << "error: " << path << " header: " << columns.status().message()
              << "\n";
    return 2;
  }
  struct Local {
    int line;
    std::string uscc, message;
  };
  std::vector<v1::Organization> rows;
  std::vector<int> row_lines;
  std::vector<Local> local_errors;
  while (reader.Next(fields, line)) {
    if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
    auto org = RowToOrganization(*columns, fields);
    if (!org.ok()) {
      local_errors.push_back({line, fields.empty() ? "" : fields[0],
                              std::string(org.status().message())});
      continue;
    }
    rows.push_back(std::move(*org));
    row_lines.push_back(line);
  }
  if (reader.unterminated_quote()) {
    std::cerr << "error: " << path << " ends inside a quoted field\n";
    return 2;
  }

  auto stub = Connect();
  grpc::ClientContext ctx;
  Prepare(ctx, /*with_deadline=*/false);
  v1::ImportOrganizationsResponse resp;
  auto writer = stub->ImportOrganizations(&ctx, &resp);
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };
  size_t sent = 0;
  bool broken = false;
  for (size_t i = 0; i < rows.size(); i += chunk_rows) {
    v1::ImportOrganizationsRequest chunk;
    for (size_t j = i; j < rows.size() && j < i + chunk_rows; ++j) {
      *chunk.add_organizations() = rows[j];
    }
    if (!writer->Write(chunk)) {
      broken = true;  // the server ended the call; Finish says why
      break;
    }
    sent += chunk.organizations_size();
    Progress(sent, rows.size(), elapsed(), false);
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  Progress(sent, rows.size(), elapsed(), true);
  if (!status.ok()) {
    std::cerr << "import stopped after " << resp.received_count()
              << " rows; re-run the same file to resume (registered rows "
                 "are skipped)\n";
    return Fail(status);
  }
  (void)broken;

  std::string report = absl::GetFlag(FLAGS_report);
  if (report.empty()) report = path + ".errors.csv";
  const size_t failures = local_errors.size() + resp.failures_size();
  if (failures > 0) {
    std::ofstream out(report);
    out << "line,uscc,code,message,fields\n";
    for (const auto& e : local_errors) {
      out << e.line << "," << CsvField(e.uscc) << ",INVALID_ARGUMENT,"
          << CsvField(e.message) << ",\n";
    }
    for (const auto& f : resp.failures()) {
      std::string fields_text;
      for (const auto& f2 : f.fields()) {
        absl::StrAppend(&fields_text, fields_text.empty() ? "" : " ", f2);
      }
      const int index = f.index();
      out << (index >= 0 && index < static_cast<int>(row_lines.size())
                  ? row_lines[index]
                  : 0)
          << "," << CsvField(f.uscc()) << "," << grpc::StatusCode(f.code())
          << "," << CsvField(f.message()) << "," << CsvField(fields_text)
          << "\n";
    }
  }
  std::fprintf(stderr,
               "created %d, already registered %d, invalid %zu, in %.1fs "
               "(%.0f rows/s)\n",
               resp.created_count(), resp.existing_count(),
               resp.invalid_count() + local_errors.size(), elapsed(),
               rows.size() / std::max(elapsed(), 1e-9));
  if (failures > 0) {
    std::fprintf(stderr, "per-row report: %s\n", report.c_str());
  }
  return 0;
}

// Sends the scores of FILE.csv (columns uscc, overall and one per
// dimension) to a survey round in batches of up to 1000 rows, and writes a
// report with the result of every row that was not written.
int ImportScores(const std::string& round, const std::string& path) {
  namespace demobase_v1 = ::qpp::demobase::v1;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "error: cannot open " << path << "\n";
    return 2;
  }
  CsvReader reader(in);
  std::vector<std::string> fields;
  int line = 0;
  if (!reader.Next(fields, line)) {
    std::cerr << "error: " << path << " is empty\n";
    return 2;
  }
  auto columns = ParseScoreHeader(fields);
  if (!columns.ok()) {
    std::cerr << "error: " << path << " header: " << columns.status().message()
              << "\n";
    return 2;
  }
  struct Failure {
    int line;
    std::string uscc, code, reason, message;
  };
  std::vector<Failure> failures;
  std::vector<demobase_v1::SurveyScore> rows;
  std::vector<int> row_lines;
  while (reader.Next(fields, line)) {
    if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
    auto score = RowToSurveyScore(*columns, fields);
    if (!score.ok()) {
      failures.push_back({line, fields.empty() ? "" : fields[0],
                          "INVALID_ARGUMENT", "INVALID_FIELD",
                          std::string(score.status().message())});
      continue;
    }
    rows.push_back(*std::move(score));
    row_lines.push_back(line);
  }
  if (reader.unterminated_quote()) {
    std::cerr << "error: " << path << " ends inside a quoted field\n";
    return 2;
  }
  auto stub = demobase_v1::DemoBaseService::NewStub(OpenChannel());
  constexpr size_t kBatch = 1000;
  int created = 0;
  for (size_t i = 0; i < rows.size(); i += kBatch) {
    demobase_v1::BatchCreateSurveyScoresRequest req;
    req.set_parent(round);
    for (size_t j = i; j < rows.size() && j < i + kBatch; ++j) {
      *req.add_scores() = rows[j];
    }
    grpc::ClientContext ctx;
    Prepare(ctx);
    demobase_v1::BatchCreateSurveyScoresResponse resp;
    const grpc::Status status = stub->BatchCreateSurveyScores(&ctx, req, &resp);
    if (!status.ok()) {
      std::cerr << "import stopped at line " << row_lines[i] << " after "
                << created << " scores were written\n";
      return Fail(status);
    }
    created += resp.created_count();
    for (const auto& r : resp.results()) {
      if (r.code() == 0) continue;
      const size_t row = i + r.index();
      failures.push_back({row < row_lines.size() ? row_lines[row] : 0,
                          req.scores(r.index()).organization().substr(
                              std::string("organizations/").size()),
                          absl::StrCat(grpc::StatusCode(r.code())), r.reason(),
                          r.message()});
    }
  }
  std::string report = absl::GetFlag(FLAGS_report);
  if (report.empty()) report = path + ".errors.csv";
  if (!failures.empty()) {
    std::sort(
        failures.begin(), failures.end(),
        [](const Failure& a, const Failure& b) { return a.line < b.line; });
    std::ofstream out(report);
    out << "line,uscc,code,reason,message\n";
    for (const Failure& f : failures) {
      out << f.line << "," << CsvField(f.uscc) << "," << f.code << ","
          << f.reason << "," << CsvField(f.message) << "\n";
    }
  }
  std::fprintf(stderr, "written %d, refused %zu\n", created, failures.size());
  if (!failures.empty()) {
    std::fprintf(stderr, "per-row report: %s\n", report.c_str());
  }
  return 0;
}
}  // namespace
}  // namespace qpp::qppctl

int main(int argc, char** argv) {
  std::vector<char*> args =
      qpp::config::ParseFlags(argc, argv, qpp::qppctl::kUsage);
  if (args.size() < 2) {
    std::cerr << qpp::qppctl::kUsage << "\n";
    return 2;
  }
  const std::string command = args[1];
  if (command == "import" && args.size() == 3)
    return qpp::qppctl::Import(args[2]);
  if (command == "get" && args.size() == 3) return qpp::qppctl::Get(args[2]);
  if (command == "list" && args.size() == 2) return qpp::qppctl::List();
  if (command == "counts" && args.size() == 3)
    return qpp::qppctl::Counts(args[2]);
  if (command == "import-scores" && args.size() == 4)
    return qpp::qppctl::ImportScores(args[2], args[3]);
  std::cerr << qpp::qppctl::kUsage << "\n";
  return 2;
}
