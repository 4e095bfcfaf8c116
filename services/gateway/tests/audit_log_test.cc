#include "services/gateway/src/audit_log.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace qpp::gateway {
namespace {

namespace fs = std::filesystem;

AuditRecord Sample() {
  AuditRecord r;
  r.time = absl::FromUnixMillis(1700000000123);  // 2023-11-14T22:13:20.123Z
  r.request_id = "req-1";
  r.principal = "finance-funding";
  r.client_address = "ipv4:10.0.0.1:5555";
  r.protocol = "grpc";
  r.method = "/qpp.registry.v1.RegistryService/GetOrganization";
  r.resources = {"organizations/91440300MA5F00001X"};
  r.code = 5;
  r.latency = absl::Microseconds(1500);
  return r;
}

std::string Read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(AuditLine, HasEveryFieldAndNothingElse) {
  EXPECT_EQ(FormatAuditLine(Sample()),
            "{\"time\":\"2023-11-14T22:13:20.123Z\",\"request_id\":\"req-1\","
            "\"principal\":\"finance-funding\",\"client_address\":\"ipv4:10.0."
            "0.1:5555\",\"protocol\":\"grpc\",\"method\":\"/qpp.registry.v1."
            "RegistryService/GetOrganization\",\"resources\":[\"organizations/"
            "91440300MA5F00001X\"],\"code\":\"NOT_FOUND\",\"latency_ms\":1.5}"
            "\n");
}

// Parses a line with two strict JSON parsers (nlohmann's, which rejects
// invalid UTF-8 and raw control characters, and protobuf's); the object.
nlohmann::json ParseStrictly(const std::string& line) {
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line";
  google::protobuf::Struct as_struct;
  EXPECT_TRUE(
      google::protobuf::util::JsonStringToMessage(line, &as_struct).ok())
      << line;
  nlohmann::json parsed = nlohmann::json::parse(line, nullptr,
                                                /*allow_exceptions=*/false);
  EXPECT_FALSE(parsed.is_discarded()) << line;
  return parsed.is_discarded() ? nlohmann::json::object() : parsed;
}

TEST(AuditLine, EscapesAndBoundsUntrustedStrings) {
  AuditRecord r = Sample();
  r.method = "GET /v1/\"x\"\n\x01";
  r.resources = std::vector<std::string>(20, std::string(1000, 'a'));
  r.resource_count = 20;
  r.http_status = 404;
  const std::string line = FormatAuditLine(r);
  EXPECT_NE(line.find("GET /v1/\\\"x\\\"\\n\\u0001"), std::string::npos);
  EXPECT_LT(line.size(), 8 * 260 + 600u);
  const nlohmann::json j = ParseStrictly(line);
  EXPECT_EQ(j["method"], r.method);
  EXPECT_EQ(j["http_status"], 404);
  ASSERT_EQ(j["resources"].size(), kMaxAuditResources);
  EXPECT_EQ(j["resources"][0], std::string(kMaxAuditStringBytes, 'a'));
  EXPECT_EQ(j["resource_count"], 20);
  // Written only when names were left out.
  EXPECT_FALSE(
      ParseStrictly(FormatAuditLine(Sample())).contains("resource_count"));
}

TEST(AuditLine, ControlCharactersRoundTrip) {
  AuditRecord r = Sample();
  std::string all;
  for (int c = 1; c < 0x20; ++c) all.push_back(static_cast<char>(c));
  r.request_id = all + "\"\\\x7f/";
  r.resources = {"organizations/\t\n" + all};
  const nlohmann::json j = ParseStrictly(FormatAuditLine(r));
  EXPECT_EQ(j["request_id"], r.request_id);
  EXPECT_EQ(j["resources"][0], r.resources[0]);
}

TEST(AuditLine, InvalidUtf8FromAClientBecomesReplacementCharacters) {
  const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  AuditRecord r = Sample();
  r.request_id = "req-\xff-1";
  r.principal = "\xc3";  // a lead byte without its continuation
  r.resources = {"organizations/\x80\xbf",           // lone continuations
                 "organizations/\xc0\xaf",           // overlong '/'
                 "organizations/\xed\xa0\x80",       // a UTF-16 surrogate
                 "organizations/深圳\xf0\x9f\x98"};  // a cut 4-byte character
  const nlohmann::json j = ParseStrictly(FormatAuditLine(r));
  EXPECT_EQ(j["request_id"], "req-" + kReplacement + "-1");
  EXPECT_NE(j["principal"].get<std::string>().find(kReplacement),
            std::string::npos);
  ASSERT_EQ(j["resources"].size(), 4u);
  for (const auto& name : j["resources"]) {
    const std::string s = name.get<std::string>();
    EXPECT_EQ(s.rfind("organizations/", 0), 0u) << s;
    EXPECT_NE(s.find(kReplacement), std::string::npos) << s;
  }
  // The valid text around the damage is kept.
  EXPECT_EQ(j["resources"][3].get<std::string>().find("organizations/深圳"),
            0u);
}

TEST(AuditLine, TheCutFallsOnACharacterBoundary) {
  // 1-, 2-, 3- and 4-byte characters straddling byte 256 at every offset.
  for (const std::string ch :
       {"a", "\xC3\xA9" /* é */, "中", "\xF0\x9F\x98\x80"}) {
    for (size_t pad = 0; pad < 4; ++pad) {
      std::string text(kMaxAuditStringBytes - 4 + pad, 'x');
      for (int i = 0; i < 4; ++i) text += ch;
      AuditRecord r = Sample();
      r.resources = {text};
      r.request_id = text;
      const nlohmann::json j = ParseStrictly(FormatAuditLine(r));
      const std::string got = j["resources"][0].get<std::string>();
      SCOPED_TRACE(absl::StrCat(ch.size(), "-byte characters, pad ", pad));
      EXPECT_LE(got.size(), kMaxAuditStringBytes);
      EXPECT_GT(got.size(), kMaxAuditStringBytes - ch.size());
      // A prefix of the input, ending on a whole character.
      EXPECT_EQ(text.compare(0, got.size(), got), 0);
      EXPECT_EQ((got.size() - (kMaxAuditStringBytes - 4 + pad)) % ch.size(),
                0u);
      EXPECT_EQ(got.find("\xEF\xBF\xBD"), std::string::npos);
      EXPECT_EQ(j["request_id"], got);
    }
  }
}

class FileAuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           absl::StrCat(
               "qpp_audit_test_", getpid(), "_",
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  absl::Time now_ = absl::FromCivil(absl::CivilSecond(2026, 3, 1, 23, 59, 0),
                                    absl::UTCTimeZone());
};

TEST_F(FileAuditLogTest, AppendsOneLinePerRecordAndRotatesDaily) {
  FileAuditLog log(dir_.string(), 180, nullptr, [this] { return now_; });
  ASSERT_TRUE(log.Open().ok());
  ASSERT_TRUE(log.Write(Sample()).ok());
  ASSERT_TRUE(log.Write(Sample()).ok());
  now_ += absl::Minutes(2);  // next UTC day
  ASSERT_TRUE(log.Write(Sample()).ok());
  const std::string day1 = Read(dir_ / "audit-2026-03-01.jsonl");
  const std::string day2 = Read(dir_ / "audit-2026-03-02.jsonl");
  EXPECT_EQ(std::count(day1.begin(), day1.end(), '\n'), 2);
  EXPECT_EQ(std::count(day2.begin(), day2.end(), '\n'), 1);
  EXPECT_TRUE(log.Writable());
}

TEST_F(FileAuditLogTest, DeletesFilesOlderThanTheRetention) {
  fs::create_directories(dir_);
  for (const char* name : {"audit-2025-08-01.jsonl", "audit-2025-09-02.jsonl",
                           "audit-2025-09-03.jsonl", "other.txt"}) {
    std::ofstream(dir_ / name) << "{}\n";
  }
  // 2026-03-01 minus 180 days is 2025-09-02: older files go.
  FileAuditLog log(dir_.string(), 180, nullptr, [this] { return now_; });
  ASSERT_TRUE(log.Open().ok());
  EXPECT_FALSE(fs::exists(dir_ / "audit-2025-08-01.jsonl"));
  EXPECT_TRUE(fs::exists(dir_ / "audit-2025-09-02.jsonl"));
  EXPECT_TRUE(fs::exists(dir_ / "audit-2025-09-03.jsonl"));
  EXPECT_TRUE(fs::exists(dir_ / "other.txt"));
}

TEST_F(FileAuditLogTest, UnopenableDirectoryIsUnavailable) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "file") << "x";
  FileAuditLog log((dir_ / "file" / "sub").string(), 180, nullptr);
  EXPECT_EQ(log.Open().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(log.Writable());
  EXPECT_FALSE(log.Write(Sample()).ok());
}

}  // namespace
}  // namespace qpp::gateway
