// The change feed of organisations (ListOrganizationChanges) on a real
// MariaDB: what makes an entry, the cursor, and that a follower reading
// while many writers commit sees every change exactly once, in order.

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/dates/dates.h"
#include "gtest/gtest.h"
#include "services/registry/tests/registry_test_fixture.h"

namespace qpp::registry {
namespace {

using Types = std::vector<v1::OrganizationChangeType>;

// The change types of an entry (a repeated enum field yields ints).
std::vector<v1::OrganizationChangeType> TypesOf(
    const v1::OrganizationChange& change) {
  std::vector<v1::OrganizationChangeType> types;
  for (int t : change.change_types()) {
    types.push_back(static_cast<v1::OrganizationChangeType>(t));
  }
  return types;
}

class ChangeFeedIntegrationTest : public RegistryIntegrationTest {
 protected:
  void SetUp() override {
    RegistryIntegrationTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(Exec("DELETE FROM organization_changes").ok());
    ASSERT_TRUE(
        Exec("UPDATE organization_change_counter SET last_sequence = 0").ok());
  }

  grpc::Status Page(const std::string& token, int page_size,
                    v1::ListOrganizationChangesResponse* resp,
                    const std::string& district = "") {
    grpc::ClientContext ctx;
    if (!district.empty()) {
      ctx.AddMetadata("x-qpp-principal", "district-" + district);
      ctx.AddMetadata("x-qpp-role", "district_office");
      ctx.AddMetadata("x-qpp-district", district);
    }
    v1::ListOrganizationChangesRequest req;
    req.set_page_token(token);
    req.set_page_size(page_size);
    return stub_->ListOrganizationChanges(&ctx, req, resp);
  }

  // Every entry from the start (or after `token`) to the end of the feed.
  std::vector<v1::OrganizationChange> ReadAll(
      std::string* token, const std::string& district = "") {
    std::vector<v1::OrganizationChange> all;
    for (;;) {
      v1::ListOrganizationChangesResponse resp;
      const grpc::Status s = Page(*token, 3, &resp, district);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) return all;
      EXPECT_FALSE(resp.next_page_token().empty());
      *token = resp.next_page_token();
      for (const auto& c : resp.changes()) all.push_back(c);
      if (resp.changes_size() < 3) return all;
    }
  }

  grpc::Status Update(v1::Organization patch, const std::string& path,
                      v1::Organization* out) {
    grpc::ClientContext ctx;
    v1::UpdateOrganizationRequest req;
    *req.mutable_organization() = std::move(patch);
    req.mutable_update_mask()->add_paths(path);
    return stub_->UpdateOrganization(&ctx, req, out);
  }

  static int64_t Version(const std::string& etag) {
    int64_t v = 0;
    EXPECT_TRUE(absl::SimpleAtoi(
        absl::StripSuffix(absl::StripPrefix(etag, "\""), "\""), &v))
        << etag;
    return v;
  }
};

TEST_F(ChangeFeedIntegrationTest, EachReportedChangeMakesOneEntry) {
  v1::Organization org;
  ASSERT_TRUE(Create(NewOrg(1), &org).ok());
  v1::Organization out;
  v1::Organization patch;
  patch.set_name(org.name());
  patch.set_display_name("深圳市改名科技有限公司");
  ASSERT_TRUE(Update(patch, "display_name", &out).ok());  // no entry
  patch.mutable_credit()->set_standing(v1::CREDIT_STANDING_RESTRICTED);
  patch.mutable_credit()->set_reason("列入严重失信主体名单");
  *patch.mutable_credit()->mutable_since() =
      dates::ToDate(absl::CivilDay(2026, 11, 1));
  ASSERT_TRUE(Update(patch, "credit", &out).ok());
  ASSERT_TRUE(Advance(org.uscc(), v1::ADOPTION_STATUS_INTRODUCING).ok());
  patch.mutable_flags()->set_key_enterprise(true);
  ASSERT_TRUE(Update(patch, "flags.key_enterprise", &out).ok());
  patch.set_district_code("440304");
  ASSERT_TRUE(Update(patch, "district_code", &out).ok());
  {
    grpc::ClientContext ctx;
    v1::DeleteOrganizationRequest req;
    req.set_name(org.name());
    ASSERT_TRUE(stub_->DeleteOrganization(&ctx, req, &out).ok());
  }
  {
    grpc::ClientContext ctx;
    v1::UndeleteOrganizationRequest req;
    req.set_name(org.name());
    ASSERT_TRUE(stub_->UndeleteOrganization(&ctx, req, &out).ok());
  }

  std::string token;
  const std::vector<v1::OrganizationChange> all = ReadAll(&token);
  const std::vector<Types> expected = {
      {v1::ORGANIZATION_CHANGE_TYPE_CREATED},
      {v1::ORGANIZATION_CHANGE_TYPE_CREDIT_STANDING},
      {v1::ORGANIZATION_CHANGE_TYPE_ADOPTION_STATUS},
      {v1::ORGANIZATION_CHANGE_TYPE_KEY_ENTERPRISE},
      {v1::ORGANIZATION_CHANGE_TYPE_DISTRICT},
      {v1::ORGANIZATION_CHANGE_TYPE_ARCHIVED},
      {v1::ORGANIZATION_CHANGE_TYPE_RESTORED},
  };
  ASSERT_EQ(all.size(), expected.size());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].sequence(), static_cast<int64_t>(i + 1));
    EXPECT_EQ(all[i].organization(), org.name());
    EXPECT_EQ(TypesOf(all[i]), expected[i]) << i;
  }
  // The facts after each change.
  EXPECT_EQ(all[0].etag(), "\"1\"");
  EXPECT_EQ(all[0].district_code(), "440305");
  EXPECT_EQ(all[0].credit_standing(), v1::CREDIT_STANDING_GOOD);
  EXPECT_EQ(all[1].etag(), "\"3\"");  // the rename was version 2
  EXPECT_EQ(all[1].credit_standing(), v1::CREDIT_STANDING_RESTRICTED);
  EXPECT_EQ(all[2].adoption_status(), v1::ADOPTION_STATUS_INTRODUCING);
  EXPECT_TRUE(all[3].key_enterprise());
  EXPECT_EQ(all[4].district_code(), "440304");
  EXPECT_EQ(all[5].state(), v1::ORGANIZATION_STATE_ARCHIVED);
  EXPECT_EQ(all[6].state(), v1::ORGANIZATION_STATE_ACTIVE);
  EXPECT_EQ(all[6].etag(), out.etag());

  // Caught up: the cursor stays put until the next change.
  v1::ListOrganizationChangesResponse resp;
  ASSERT_TRUE(Page(token, 10, &resp).ok());
  EXPECT_EQ(resp.changes_size(), 0);
  EXPECT_EQ(resp.next_page_token(), token);
  v1::Organization other;
  ASSERT_TRUE(Create(NewOrg(2), &other).ok());
  ASSERT_TRUE(Page(token, 10, &resp).ok());
  ASSERT_EQ(resp.changes_size(), 1);
  EXPECT_EQ(resp.changes(0).organization(), other.name());
  EXPECT_EQ(resp.changes(0).sequence(), 8);

  // A district office follows its district's organisations only.
  std::string district_token;
  const auto district = ReadAll(&district_token, "440304");
  ASSERT_EQ(district.size(), 3u);  // the move and what followed it
  for (const auto& c : district) EXPECT_EQ(c.district_code(), "440304");
}

TEST_F(ChangeFeedIntegrationTest, SinceTokenAndBadRequests) {
  v1::Organization org;
  ASSERT_TRUE(Create(NewOrg(3), &org).ok());  // at kNow
  auto since = [&](absl::Time t, v1::ListOrganizationChangesResponse* resp) {
    grpc::ClientContext ctx;
    v1::ListOrganizationChangesRequest req;
    *req.mutable_since() = dates::ToTimestamp(t);
    return stub_->ListOrganizationChanges(&ctx, req, resp);
  };
  v1::ListOrganizationChangesResponse resp;
  ASSERT_TRUE(since(kNow - absl::Hours(1), &resp).ok());
  EXPECT_EQ(resp.changes_size(), 1);
  resp.Clear();
  ASSERT_TRUE(since(kNow + absl::Hours(1), &resp).ok());
  EXPECT_EQ(resp.changes_size(), 0);
  // Its cursor resumes after everything made before `since`.
  const std::string token = resp.next_page_token();
  v1::Organization later;
  ASSERT_TRUE(Create(NewOrg(4), &later).ok());
  resp.Clear();
  ASSERT_TRUE(Page(token, 10, &resp).ok());
  ASSERT_EQ(resp.changes_size(), 1);
  EXPECT_EQ(resp.changes(0).organization(), later.name());

  grpc::ClientContext ctx;
  v1::ListOrganizationChangesRequest both;
  both.set_page_token(token);
  *both.mutable_since() = dates::ToTimestamp(kNow);
  EXPECT_EQ(stub_->ListOrganizationChanges(&ctx, both, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  resp.Clear();
  EXPECT_EQ(Page("bm90LWEtdG9rZW4", 10, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // A token of another list is not the feed's.
  grpc::ClientContext lctx;
  v1::ListOrganizationsRequest list_req;
  list_req.set_page_size(1);
  v1::ListOrganizationsResponse list;
  ASSERT_TRUE(stub_->ListOrganizations(&lctx, list_req, &list).ok());
  ASSERT_FALSE(list.next_page_token().empty());
  EXPECT_EQ(Page(list.next_page_token(), 10, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// Many writers commit changes while a follower reads the feed page by page;
// when the writers are done and the follower has caught up, it has seen
// every committed change exactly once, the sequences without a gap, and
// each organisation's changes in the order of its versions.
TEST_F(ChangeFeedIntegrationTest, ConcurrentWritersNeverMakeTheFollowerSkip) {
  constexpr int kWriters = 8;
  constexpr int kOrgsPerWriter = 3;
  constexpr int kWritesPerWriter = 30;
  std::vector<v1::Organization> orgs;
  for (int i = 0; i < kWriters * kOrgsPerWriter; ++i) {
    v1::Organization org;
    ASSERT_TRUE(Create(NewOrg(100 + i), &org).ok());
    orgs.push_back(org);
  }
  // (organisation, version) of every committed change.
  std::mutex mu;
  std::set<std::pair<std::string, int64_t>> written;
  for (const auto& org : orgs) written.insert({org.name(), 1});

  std::atomic<int> writers_done{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      // Each writer owns its organisations, so it knows the flag it flips
      // and every write is a reported change; they all contend for the
      // feed's counter. Every fifth write registers a new organisation.
      std::vector<bool> key(kOrgsPerWriter, false);
      for (int i = 0; i < kWritesPerWriter; ++i) {
        v1::Organization out;
        grpc::Status s;
        if (i % 5 == 4) {
          s = Create(NewOrg(1000 + w * kWritesPerWriter + i), &out);
        } else {
          const int k = i % kOrgsPerWriter;
          v1::Organization patch;
          patch.set_name(orgs[w * kOrgsPerWriter + k].name());
          patch.mutable_flags()->set_key_enterprise(!key[k]);
          s = Update(patch, "flags.key_enterprise", &out);
          if (s.ok()) key[k] = !key[k];
        }
        if (!s.ok()) {
          // A lost lock race is the caller's to retry; it wrote nothing.
          EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED)
              << s.error_message();
          ++failures;
          continue;
        }
        std::lock_guard<std::mutex> lock(mu);
        written.insert({out.name(), Version(out.etag())});
      }
      ++writers_done;
    });
  }

  std::vector<v1::OrganizationChange> seen;
  std::string token;
  for (;;) {
    const bool done = writers_done.load() == kWriters;
    v1::ListOrganizationChangesResponse resp;
    const grpc::Status s = Page(token, 7, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    token = resp.next_page_token();
    for (const auto& c : resp.changes()) seen.push_back(c);
    // Writers were done before this page was read, and it was not full:
    // the follower has caught up with everything they committed.
    if (done && resp.changes_size() < 7) break;
  }
  for (auto& t : writers) t.join();

  EXPECT_LT(failures.load(), kWriters * kWritesPerWriter / 10);
  std::map<std::string, int64_t> last_version;
  std::set<std::pair<std::string, int64_t>> reported;
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].sequence(), static_cast<int64_t>(i + 1))
        << "a gap or a repeat at entry " << i;
    const int64_t version = Version(seen[i].etag());
    int64_t& last = last_version[seen[i].organization()];
    EXPECT_GT(version, last) << seen[i].organization() << " out of order";
    last = version;
    EXPECT_TRUE(reported.insert({seen[i].organization(), version}).second)
        << "repeated: " << seen[i].organization() << " " << version;
  }
  EXPECT_EQ(reported, written);
  EXPECT_EQ(seen.size(), written.size());
}

}  // namespace
}  // namespace qpp::registry
