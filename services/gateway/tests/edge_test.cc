// The public edge: the real qpp-gateway binary in front of an in-process
// fake registry, facing hostile clients over loopback. Each class of attack
// found by a security probe of the running system keeps a test here:
//  - idle and slow connections do not starve legitimate clients, and the
//    timeouts close them;
//  - connections per client address are capped;
//  - request smuggling attempts are answered 400 and the connection closed,
//    the smuggled request never runs;
//  - paths are routed raw and decoded once (%00, %2F, %25xx);
//  - refused calls spend a per-address budget (429 after it) and are
//    audited in aggregate past a bound;
//  - every audit line parses as JSON.
// Attackers use other loopback addresses (127.0.0.2 …) than the legitimate
// client (127.0.0.1), as separate machines would. Every loop is bounded in
// time and count.
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/testing/process.h"
#include "common/validation/text.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "qpp/registry/v1/registry_service.pb.h"
#include "services/gateway/src/api_keys.h"
#include "services/gateway/src/http_target.h"
#include "services/gateway/src/refusal_budget.h"
#include "services/gateway/tests/edge_client.h"
#include "services/gateway/tests/fake_registry.h"
#include "services/gateway/tests/test_util.h"

namespace qpp::gateway {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using testing::Conn;
using testing::HttpResponse;

const std::string kOrg = "organizations/91440300MA5F00001X";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

// A started gateway.
struct Gateway {
  int http_port = 0, grpc_port = 0, metrics_port = 0;
  fs::path dir;
  std::string key;
  std::unique_ptr<qpp::testing::ChildProcess> process;
  std::shared_ptr<grpc::Channel> channel;

  // A sample of /metrics, 0 if absent.
  double Metric(const std::string& series) const {
    auto text = qpp::testing::HttpGet(metrics_port, "/metrics");
    if (!text.ok()) return 0;
    for (absl::string_view line : absl::StrSplit(*text, '\n')) {
      if (absl::StartsWith(line, series + " ")) {
        double v = 0;
        if (absl::SimpleAtod(line.substr(series.size() + 1), &v)) return v;
      }
    }
    return 0;
  }

  std::vector<std::string> AuditLines() const {
    std::vector<std::string> out;
    if (!fs::exists(dir / "audit")) return out;
    for (const auto& e : fs::directory_iterator(dir / "audit")) {
      for (absl::string_view line :
           absl::StrSplit(ReadFile(e.path()), '\n', absl::SkipEmpty())) {
        out.emplace_back(line);
      }
    }
    return out;
  }

  // A GET with the key, from `source`, on a new connection.
  HttpResponse Get(const std::string& target, const std::string& source,
                   bool with_key = true) const {
    Conn c(http_port, source);
    c.Send(absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: x\r\n",
                        with_key ? "X-Api-Key: " + key + "\r\n" : "", "\r\n"));
    return c.Read(5000);
  }
};

std::unique_ptr<Gateway> Start(const std::string& name, int backend_port,
                               const std::vector<std::string>& flags) {
  auto gw = std::make_unique<Gateway>();
  gw->dir = fs::temp_directory_path() /
            absl::StrCat("qpp_edge_", name, "_", getpid());
  fs::remove_all(gw->dir);
  fs::create_directories(gw->dir);
  auto key = GenerateKey("edge");
  EXPECT_TRUE(key.ok());
  gw->key = key->key;
  std::ofstream(gw->dir / "keys") << key->entry << "\n";
  std::ofstream(gw->dir / "policy.json")
      << R"({"roles": [{"name": "all", "allow": ["*/*"]}],
             "principals": [{"id": "edge", "roles": ["all"]}]})";
  gw->http_port = qpp::testing::FreePort();
  gw->grpc_port = qpp::testing::FreePort();
  gw->metrics_port = qpp::testing::FreePort();
  std::vector<std::string> args = {
      absl::StrCat("--listen_address=127.0.0.1:", gw->grpc_port),
      absl::StrCat("--http_address=127.0.0.1:", gw->http_port),
      absl::StrCat("--metrics_address=127.0.0.1:", gw->metrics_port),
      absl::StrCat("--backends=qpp.registry.v1.RegistryService=127.0.0.1:",
                   backend_port),
      "--api_keys_file=" + (gw->dir / "keys").string(),
      "--policy_file=" + (gw->dir / "policy.json").string(),
      "--audit_dir=" + (gw->dir / "audit").string(),
      "--log_level=warn"};
  args.insert(args.end(), flags.begin(), flags.end());
  auto process = qpp::testing::ChildProcess::Start(
      qpp::testing::BinDir() + "/qpp-gateway", args, {},
      (gw->dir / "gateway.log").string());
  EXPECT_TRUE(process.ok()) << process.status();
  if (!process.ok()) return nullptr;
  gw->process = *std::move(process);
  gw->channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", gw->grpc_port),
                                    grpc::InsecureChannelCredentials());
  const auto end = Clock::now() + std::chrono::seconds(15);
  while (Clock::now() < end) {
    if (gw->Get("/healthz", "127.0.0.1", false).status == 200) return gw;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "gateway not serving: " << ReadFile(gw->dir / "gateway.log");
  return nullptr;
}

class EdgeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Hundreds of connections held at once, on both ends.
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, 8192);
    setrlimit(RLIMIT_NOFILE, &limit);

    fake_ = testing::StartFakeRegistry(qpp::testing::FreePort());
    ASSERT_NE(fake_, nullptr);
    // Long timeouts: held connections stay held while measured.
    main_ =
        Start("main", fake_->port,
              {"--http_max_connections=4000",
               "--http_max_connections_per_address=64",
               "--http_header_timeout_ms=60000", "--http_idle_timeout_ms=60000",
               "--refused_calls_burst=1000"})
            .release();
    ASSERT_NE(main_, nullptr);
    // Short timeouts and a small refusal budget.
    strict_ =
        Start("strict", fake_->port,
              {"--http_header_timeout_ms=800", "--http_idle_timeout_ms=800",
               "--http_body_timeout_ms=800", "--refused_calls_burst=10",
               "--refused_calls_per_second=0.1",
               "--refused_audit_lines_per_address=3",
               "--refused_audit_window_ms=1500"})
            .release();
    ASSERT_NE(strict_, nullptr);
  }

  static void TearDownTestSuite() {
    for (Gateway** gw : {&main_, &strict_}) {
      if (*gw == nullptr) continue;
      (*gw)->process->Signal(SIGTERM);
      EXPECT_EQ((*gw)->process->Wait(20000), 0) << "graceful exit";
      fs::remove_all((*gw)->dir);
      delete *gw;
      *gw = nullptr;
    }
    fake_.reset();
  }

  // `n` legitimate calls from 127.0.0.1, alternately a registry read and
  // /healthz, on one keep-alive connection with every tenth on a new one;
  // their latencies in ms. Each must answer 200.
  static std::vector<double> Legitimate(const Gateway& gw, int n) {
    std::vector<double> ms;
    auto conn = std::make_unique<Conn>(gw.http_port, "127.0.0.1");
    for (int i = 0; i < n; ++i) {
      if (i % 10 == 9) conn = std::make_unique<Conn>(gw.http_port, "127.0.0.1");
      const std::string target = i % 2 == 0 ? "/v1/" + kOrg : "/healthz";
      const auto start = Clock::now();
      conn->Send(absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: x\r\n",
                              "X-Api-Key: ", gw.key, "\r\n\r\n"));
      const HttpResponse r = conn->Read(5000);
      ms.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - start)
              .count());
      EXPECT_EQ(r.status, 200) << target << " " << r.body;
      if (r.status != 200) break;
    }
    return ms;
  }

  static std::unique_ptr<testing::FakeServer> fake_;
  static Gateway* main_;
  static Gateway* strict_;
};

std::unique_ptr<testing::FakeServer> EdgeTest::fake_;
Gateway* EdgeTest::main_ = nullptr;
Gateway* EdgeTest::strict_ = nullptr;

TEST_F(EdgeTest, LegitimateCallsStayFastWhileIdleAndSlowConnectionsAreHeld) {
  const std::vector<double> quiet = Legitimate(*main_, 100);

  // 500 connections that say nothing, 200 that trickle a header byte by
  // byte: ten and four attacking addresses, below the per-address cap.
  std::vector<std::unique_ptr<Conn>> idle, slow;
  for (int i = 0; i < 500; ++i) {
    idle.push_back(std::make_unique<Conn>(
        main_->http_port, absl::StrCat("127.0.0.", 2 + i / 50)));
    ASSERT_TRUE(idle.back()->ok()) << i;
  }
  for (int i = 0; i < 200; ++i) {
    slow.push_back(std::make_unique<Conn>(
        main_->http_port, absl::StrCat("127.0.0.", 12 + i / 50)));
    ASSERT_TRUE(slow.back()->ok()) << i;
    slow.back()->Send("GET /v1/organizations HTTP/1.1\r\nHost: x\r\nX-Slow: ");
  }
  std::atomic<bool> stop{false};
  std::thread trickle([&] {
    const auto end = Clock::now() + std::chrono::seconds(30);
    while (!stop && Clock::now() < end) {
      for (auto& c : slow) c->Send("a");
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  // All 700 accepted and held (plus the probe's own connection).
  const auto end = Clock::now() + std::chrono::seconds(10);
  double open = 0;
  while (Clock::now() < end &&
         (open = main_->Metric("qpp_gateway_http_connections")) < 700) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_GE(open, 700);

  const std::vector<double> loaded = Legitimate(*main_, 300);
  stop = true;
  trickle.join();

  std::printf(
      "legitimate calls: p50 %.2f ms, p99 %.2f ms alone; p50 %.2f ms, p99 "
      "%.2f ms with 500 idle and 200 slow connections held\n",
      Percentile(quiet, 0.5), Percentile(quiet, 0.99), Percentile(loaded, 0.5),
      Percentile(loaded, 0.99));
  EXPECT_EQ(loaded.size(), 300u);
  EXPECT_LT(Percentile(loaded, 0.99), 100);
  // Still held, not shed: none of them was closed.
  int closed = 0;
  for (auto& c : idle) closed += c->ClosedWithin(0);
  for (auto& c : slow) closed += c->ClosedWithin(0);
  EXPECT_EQ(closed, 0);
}

TEST_F(EdgeTest, ConnectionsPerAddressAreCapped) {
  std::vector<std::unique_ptr<Conn>> mine;
  for (int i = 0; i < 74; ++i) {
    mine.push_back(std::make_unique<Conn>(main_->http_port, "127.0.0.40"));
  }
  // The 64 first are held; the 10 beyond the cap are closed at once.
  const std::string refused =
      R"(qpp_gateway_http_refused_connections_total{reason="address_limit"})";
  const auto end = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < end && main_->Metric(refused) < 10) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_GE(main_->Metric(refused), 10);
  int closed = 0;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  for (auto& c : mine) closed += c->ClosedWithin(0);
  EXPECT_EQ(closed, 10);
  // Another address is served meanwhile.
  EXPECT_EQ(main_->Get("/healthz", "127.0.0.41").status, 200);
}

TEST_F(EdgeTest, TimeoutsCloseIdleAndSlowConnections) {
  Conn idle(strict_->http_port, "127.0.0.50");
  Conn keep_alive(strict_->http_port, "127.0.0.52");
  keep_alive.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(keep_alive.Read(2000).status, 200);
  Conn body(strict_->http_port, "127.0.0.53");
  body.Send(
      "POST /v1/organizations HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n"
      "\r\n0123456789");
  // A trickling client is cut at the header timeout however steadily it
  // sends.
  Conn slow(strict_->http_port, "127.0.0.51");
  slow.Send("GET / HTTP/1.1\r\n");
  const auto start = Clock::now();
  bool slow_closed = false;
  for (int i = 0; i < 20 && !slow_closed; ++i) {  // at most ~4 s
    slow.Send("X-A: b\r\n");
    slow_closed = slow.ClosedWithin(200);
  }
  EXPECT_TRUE(slow_closed);
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(2500));
  EXPECT_TRUE(idle.ClosedWithin(3000));
  EXPECT_TRUE(keep_alive.ClosedWithin(3000));
  EXPECT_TRUE(body.ClosedWithin(3000));
  EXPECT_GE(
      strict_->Metric(R"(qpp_gateway_http_timeouts_total{phase="header"})"), 2);
  EXPECT_GE(strict_->Metric(R"(qpp_gateway_http_timeouts_total{phase="idle"})"),
            1);
  EXPECT_GE(strict_->Metric(R"(qpp_gateway_http_timeouts_total{phase="body"})"),
            1);
}

TEST_F(EdgeTest, SmugglingAttemptsAre400AndCloseTheConnection) {
  // What a desynchronised server would run as a second request.
  const std::string smuggled = absl::StrCat(
      "GET /v1/", kOrg, " HTTP/1.1\r\nHost: x\r\nX-Api-Key: ", main_->key,
      "\r\n\r\n");
  const std::string post = "POST /v1/organizations HTTP/1.1\r\nHost: x\r\n";
  std::string many = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 100; ++i) absl::StrAppend(&many, "X-", i, ": v\r\n");
  struct Case {
    std::string name, bytes;
    int status;
  };
  const Case cases[] = {
      {"CL and TE",
       post +
           "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       400},
      {"TE and CL",
       post +
           "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
       400},
      {"two Content-Lengths",
       post + "Content-Length: 2\r\nContent-Length: 5\r\n\r\n{}xyz", 400},
      {"Content-Length list", post + "Content-Length: 2, 2\r\n\r\n{}", 400},
      {"Content-Length +2", post + "Content-Length: +2\r\n\r\n{}", 400},
      {"space before colon",
       post + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400},
      {"unknown coding", post + "Transfer-Encoding: gzip\r\n\r\n", 400},
      {"folded line", post + "X-A: 1\r\n Content-Length: 2\r\n\r\n{}", 400},
      {"bare LF", "GET /healthz HTTP/1.1\nHost: x\n\n", 400},
      {"no Host", "GET /healthz HTTP/1.1\r\nX-A: 1\r\n\r\n", 400},
      {"101 header fields", many + "\r\n", 431},
      {"header too large",
       "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: " + std::string(20000, 'a') +
           "\r\n\r\n",
       431},
      {"HTTP/1.2", "GET /healthz HTTP/1.2\r\nHost: x\r\n\r\n", 505},
  };
  const int calls_before = fake_->service->calls();
  for (const Case& c : cases) {
    Conn conn(main_->http_port, "127.0.0.20");
    conn.Send(c.bytes + smuggled);
    const HttpResponse r = conn.Read(3000);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body;
    EXPECT_EQ(r.headers.count("connection") ? r.headers.at("connection") : "",
              "close")
        << c.name;
    EXPECT_NE(r.body.find("\"message\":"), std::string::npos) << c.name;
    std::string extra;
    EXPECT_TRUE(conn.ClosedWithin(3000, &extra)) << c.name;
    EXPECT_EQ(extra, "") << c.name << ": a second answer";
  }
  EXPECT_EQ(fake_->service->calls(), calls_before) << "a smuggled call ran";

  // A Content-Length past the 64th field is honoured, not dropped: its
  // body is not read as the next request.
  std::string seventy = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 68; ++i) absl::StrAppend(&seventy, "X-", i, ": v\r\n");
  Conn conn(main_->http_port, "127.0.0.20");
  conn.Send(seventy + "Content-Length: 5\r\n\r\nGET /" +
            "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(conn.Read(3000).status, 200);
  EXPECT_EQ(conn.Read(3000).status, 200);
  EXPECT_FALSE(conn.ClosedWithin(100));
}

TEST_F(EdgeTest, PathsAreRoutedRawAndDecodedOnce) {
  const int calls_before = fake_->service->calls();
  // %00 would cut the name further down: refused before any routing.
  EXPECT_EQ(
      main_->Get("/v1/organizations/X%00/awards/123", "127.0.0.21").status,
      400);
  Conn del(main_->http_port, "127.0.0.21");
  del.Send(absl::StrCat(
      "DELETE /v1/organizations/91440300MA5F00001X%00/awards/",
      "123 HTTP/1.1\r\nHost: x\r\nX-Api-Key: ", main_->key, "\r\n\r\n"));
  EXPECT_EQ(del.Read(3000).status, 400);
  // An encoded '/' stays inside its segment: no route has a variable that
  // may hold one.
  EXPECT_EQ(
      main_->Get("/v1/organizations/91440300MA5F00001X%2Fawards", "127.0.0.21")
          .status,
      404);
  // Invalid UTF-8 and dot segments are refused.
  EXPECT_EQ(main_->Get("/v1/organizations/%FF%FE", "127.0.0.21").status, 400);
  EXPECT_EQ(main_->Get("/v1/organizations/%2e%2e", "127.0.0.21").status, 400);
  EXPECT_EQ(main_->Get("/v1/organizations?filter=%00", "127.0.0.21").status,
            400);
  EXPECT_EQ(fake_->service->calls(), calls_before);

  // Decoded once: %58 is 'X'; %2558 is the three characters "%58", which
  // name no organisation.
  EXPECT_EQ(
      main_->Get("/v1/organizations/91440300MA5F00001%58", "127.0.0.21").status,
      200);
  const HttpResponse twice =
      main_->Get("/v1/organizations/91440300MA5F00001%2558", "127.0.0.21");
  EXPECT_EQ(twice.status, 404) << twice.body;
  EXPECT_EQ(fake_->service->calls(), calls_before + 2);
}

TEST_F(EdgeTest, RefusedCallsSpendABudgetAndAreAuditedInAggregate) {
  // HTTP from one address: 10 refusals, then 429 for every call, even one
  // with a valid key; another address is unaffected.
  std::vector<int> statuses;
  for (int i = 0; i < 15; ++i) {
    statuses.push_back(strict_->Get("/v1/" + kOrg, "127.0.0.30", false).status);
  }
  const HttpResponse valid = strict_->Get("/v1/" + kOrg, "127.0.0.30");
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 401), 10);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 429), 5);
  EXPECT_EQ(valid.status, 429);
  EXPECT_EQ(valid.headers.count("retry-after"), 1u);
  EXPECT_NE(valid.body.find("TOO_MANY_REFUSED_CALLS"), std::string::npos);
  EXPECT_EQ(strict_->Get("/v1/" + kOrg, "127.0.0.31").status, 200);

  // gRPC (from 127.0.0.1) likewise.
  registry::v1::GetOrganizationRequest req;
  req.set_name(kOrg);
  std::vector<grpc::StatusCode> codes;
  for (int i = 0; i < 12; ++i) {
    codes.push_back(testing::GenericUnaryCall(
                        strict_->channel,
                        "/qpp.registry.v1.RegistryService/GetOrganization",
                        req.SerializeAsString(), {{"x-api-key", "edge.wrong"}},
                        nullptr)
                        .error_code());
  }
  EXPECT_EQ(
      std::count(codes.begin(), codes.end(), grpc::StatusCode::UNAUTHENTICATED),
      10);
  EXPECT_EQ(std::count(codes.begin(), codes.end(),
                       grpc::StatusCode::RESOURCE_EXHAUSTED),
            2);

  // Three lines of their own per address and window (the calls may
  // straddle two windows); the rest in aggregate lines once the window is
  // over.
  struct Tally {
    int64_t own = 0, aggregated = 0;
  };
  auto tally = [&](const std::string& address) {
    Tally t;
    for (const std::string& line : strict_->AuditLines()) {
      google::protobuf::Struct parsed;
      if (!google::protobuf::util::JsonStringToMessage(line, &parsed).ok()) {
        continue;
      }
      const auto& f = parsed.fields();
      if (!f.count("client_address") ||
          AddressKey(f.at("client_address").string_value()) != address) {
        continue;
      }
      if (f.count("aggregated_calls")) {
        t.aggregated +=
            static_cast<int64_t>(f.at("aggregated_calls").number_value());
      } else {
        ++t.own;
      }
    }
    return t;
  };
  for (const auto& [address, calls] :
       {std::pair<std::string, int>{"127.0.0.30", 16}, {"127.0.0.1", 12}}) {
    Tally t;
    const auto end = Clock::now() + std::chrono::seconds(10);
    while (Clock::now() < end) {
      t = tally(address);
      if (t.own + t.aggregated >= calls) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    EXPECT_EQ(t.own + t.aggregated, calls) << address;
    EXPECT_LE(t.own, 6) << address;
    EXPECT_GE(t.aggregated, calls - 6) << address;
  }
  EXPECT_GE(strict_->Metric("qpp_gateway_refused_calls_aggregated_total"), 16);
}

TEST_F(EdgeTest, AuditDiskSpaceIsExported) {
  EXPECT_GT(main_->Metric("qpp_gateway_audit_disk_free_bytes"), 0);
  EXPECT_GT(main_->Metric("qpp_gateway_audit_disk_size_bytes"), 0);
}

// Last (tests run in order): every line either gateway wrote.
TEST_F(EdgeTest, ZEveryAuditLineParsesAsJson) {
  int lines = 0;
  for (const Gateway* gw : {main_, strict_}) {
    for (const std::string& line : gw->AuditLines()) {
      ++lines;
      EXPECT_TRUE(validation::IsValidUtf8(line)) << line;
      google::protobuf::Struct parsed;
      EXPECT_TRUE(
          google::protobuf::util::JsonStringToMessage(line, &parsed).ok())
          << line;
      EXPECT_TRUE(parsed.fields().count("code")) << line;
    }
  }
  EXPECT_GT(lines, 50);
}

}  // namespace
}  // namespace qpp::gateway
