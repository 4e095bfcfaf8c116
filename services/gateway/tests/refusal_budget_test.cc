// Abuse limits before authentication: the refused-call budget per address,
// the bound on audit lines, aggregate lines, and the core applying both.
#include "services/gateway/src/refusal_budget.h"

#include <vector>

#include "gtest/gtest.h"
#include "services/gateway/src/apis.h"
#include "services/gateway/src/gateway.h"
#include "services/gateway/tests/fake_audit.h"

namespace qpp::gateway {
namespace {

using testing::FakeAudit;

constexpr int kUnauthenticated = 16;
constexpr int kPermissionDenied = 7;

class RefusalBudgetTest : public ::testing::Test {
 protected:
  RefusalBudgetOptions Options() {
    RefusalBudgetOptions o;
    o.burst = 5;
    o.refill_per_second = 1;
    o.audit_lines_per_address = 3;
    o.audit_lines_total = 100;
    o.window = absl::Minutes(1);
    return o;
  }
  absl::Time now_ = absl::FromUnixSeconds(1700000000);
  FakeAudit audit_;
};

TEST(AddressKey, GroupsByIpv4AddressOrIpv6Prefix) {
  EXPECT_EQ(AddressKey("ipv4:10.1.2.3:5555"), "10.1.2.3");
  EXPECT_EQ(AddressKey("10.1.2.3:80"), "10.1.2.3");
  EXPECT_EQ(AddressKey("ipv6:[2001:db8:1:2:3:4:5:6]:5555"),
            "2001:db8:1:2::/64");
  EXPECT_EQ(AddressKey("ipv6:%5B2001:db8:1:2::9%5D:5555"), "2001:db8:1:2::/64");
  EXPECT_EQ(AddressKey("[2001:db8:1:2:ffff::1]:443"), "2001:db8:1:2::/64");
  EXPECT_EQ(AddressKey("[::ffff:10.1.2.3]:443"), "10.1.2.3");
  EXPECT_EQ(AddressKey("ipv6:[::1]:1"), "::/64");
  EXPECT_EQ(AddressKey("unix:/tmp/socket"), "unix:/tmp/socket");
}

TEST_F(RefusalBudgetTest, SpentBudgetRefusesEveryCallUntilItRefills) {
  RefusalBudget budget(Options(), &audit_, nullptr, [this] { return now_; });
  const std::string peer = "ipv4:10.0.0.1:1000";
  EXPECT_TRUE(budget.Check(peer).ok());
  for (int i = 0; i < 5; ++i) budget.Record(peer, "grpc", kUnauthenticated);
  const absl::Status s = budget.Check("10.0.0.1:2000");  // any port, HTTP
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(s.message().find("retry in 1000 ms"), std::string::npos)
      << s.message();
  // Another address is not affected.
  EXPECT_TRUE(budget.Check("ipv4:10.0.0.2:1000").ok());
  // Refusals keep spending it: a client that keeps sending stays refused.
  now_ += absl::Milliseconds(900);
  budget.Record(peer, "grpc", 8);
  now_ += absl::Milliseconds(900);
  EXPECT_FALSE(budget.Check(peer).ok());
  now_ += absl::Seconds(2);
  EXPECT_TRUE(budget.Check(peer).ok());
}

TEST_F(RefusalBudgetTest, AuditsTheFirstRefusalsThenAggregatesPerCode) {
  RefusalBudget budget(Options(), &audit_, nullptr, [this] { return now_; });
  const std::string peer = "ipv4:10.0.0.1:1000";
  int own = 0;
  for (int i = 0; i < 10; ++i) {
    own += budget.Record(peer, "http", kUnauthenticated);
  }
  for (int i = 0; i < 4; ++i) own += budget.Record(peer, "grpc", 8);
  EXPECT_EQ(own, 3);
  EXPECT_TRUE(audit_.records.empty());  // lines of their own are the core's

  budget.Flush(now_ + absl::Seconds(30));  // window not over
  EXPECT_TRUE(audit_.records.empty());
  budget.Flush(now_ + absl::Minutes(1));
  ASSERT_EQ(audit_.records.size(), 2u);
  int64_t total = 0;
  for (const AuditRecord& r : audit_.records) {
    EXPECT_EQ(r.client_address, "10.0.0.1");
    EXPECT_EQ(r.method, "*");
    EXPECT_EQ(r.time, now_);
    total += r.aggregated_calls;
    if (r.protocol == "http") {
      EXPECT_EQ(r.code, kUnauthenticated);
      EXPECT_EQ(r.aggregated_calls, 7);
    } else {
      EXPECT_EQ(r.code, 8);
      EXPECT_EQ(r.aggregated_calls, 4);
    }
  }
  EXPECT_EQ(total, 11);
  EXPECT_NE(FormatAuditLine(audit_.records[0]).find("\"aggregated_calls\":"),
            std::string::npos);

  // A new window gives new lines of their own.
  now_ += absl::Minutes(2);
  EXPECT_TRUE(budget.Record(peer, "http", kUnauthenticated));
}

TEST_F(RefusalBudgetTest, BoundsLinesOverAllAddressesAndTrackedAddresses) {
  RefusalBudgetOptions o = Options();
  o.audit_lines_total = 4;
  o.max_addresses = 3;
  RefusalBudget budget(o, &audit_, nullptr, [this] { return now_; });
  int own = 0;
  for (int a = 0; a < 10; ++a) {
    own += budget.Record(absl::StrCat("ipv4:10.0.1.", a, ":1"), "grpc",
                         kPermissionDenied);
  }
  EXPECT_EQ(own, 4);
  EXPECT_LE(budget.tracked_addresses(), 4u);  // three and the shared one
  budget.Stop();                              // writes what is pending
  int64_t aggregated = 0;
  for (const AuditRecord& r : audit_.records) aggregated += r.aggregated_calls;
  EXPECT_EQ(aggregated, 6);
}

TEST_F(RefusalBudgetTest, ForgetsAddressesOnceTheirBudgetIsFull) {
  RefusalBudget budget(Options(), &audit_, nullptr, [this] { return now_; });
  budget.Record("ipv4:10.0.0.1:1", "grpc", kUnauthenticated);
  EXPECT_EQ(budget.tracked_addresses(), 1u);
  budget.Flush(now_ + absl::Minutes(2));
  EXPECT_EQ(budget.tracked_addresses(), 0u);
}

TEST_F(RefusalBudgetTest, TheCoreRefusesBeforeAuthenticationAndBoundsAudit) {
  auto key = GenerateKey("office");
  ASSERT_TRUE(key.ok());
  ApiKeyStore keys = *ApiKeyStore::Parse(key->entry);
  Policy policy = *Policy::FromJson(R"({
      "roles": [{"name": "all", "allow": ["*/*"]}],
      "principals": [{"id": "office", "roles": ["all"]}]})");
  auto backends = *BackendSet::Create(
      "qpp.registry.v1.RegistryService=127.0.0.1:1", {}, nullptr);
  RateLimiter limiter;
  Gateway gateway(GatewayOptions{}, &keys, &policy, &limiter, &audit_,
                  backends.get(), nullptr);
  for (const auto* s : KnownServices()) gateway.AddKnownService(s);
  RefusalBudget budget(Options(), &audit_, nullptr, [this] { return now_; });
  gateway.SetRefusalBudget(&budget);

  auto call = [&](const std::string& api_key) {
    Inbound in;
    in.peer = "ipv4:10.9.9.9:4000";
    in.api_key = api_key;
    in.full_method = "/qpp.registry.v1.RegistryService/GetOrganization";
    Admission a;
    absl::Status s = gateway.Admit(in, &a);
    gateway.Complete(a, in, static_cast<int>(s.code()), 0);
    return s;
  };
  // A valid key works while the address has budget.
  EXPECT_TRUE(call(key->key).ok());
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(call("office.wrong").code(), absl::StatusCode::kUnauthenticated);
  }
  // Spent: refused before the key is looked at, even a valid one.
  const absl::Status spent = call(key->key);
  EXPECT_EQ(spent.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(call("office.wrong").code(), absl::StatusCode::kResourceExhausted);
  // One line for the admitted call, three for the first refusals; the
  // others wait for their aggregate line.
  EXPECT_EQ(audit_.records.size(), 4u);
  budget.Stop();
  ASSERT_EQ(audit_.records.size(), 6u);
  EXPECT_EQ(
      audit_.records[4].aggregated_calls + audit_.records[5].aggregated_calls,
      4);
}

}  // namespace
}  // namespace qpp::gateway
