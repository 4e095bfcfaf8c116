#include "services/gateway/src/audit_log.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

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
            "91440300MA5F00001X\"],\"code\":\"NOT_FOUND\",\"latency_ms\":1.500}"
            "\n");
}

TEST(AuditLine, EscapesAndBoundsUntrustedStrings) {
  AuditRecord r = Sample();
  r.method = "GET /v1/\"x\"\n\x01";
  r.resources = std::vector<std::string>(20, std::string(1000, 'a'));
  r.http_status = 404;
  const std::string line = FormatAuditLine(r);
  EXPECT_NE(line.find("GET /v1/\\\"x\\\"\\n\\u0001"), std::string::npos);
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_LT(line.size(), 8 * 260 + 600u);
  EXPECT_NE(line.find("\"http_status\":404"), std::string::npos);
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
