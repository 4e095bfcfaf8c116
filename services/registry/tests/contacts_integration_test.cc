// Contacts as personal data on a real MariaDB: masked values sent back never
// replace stored ones (update, create, batch create), the audited reveal in
// clear, and key rotation: re-encryption under the active key and the check
// before a key leaves the keyring.

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/crypto/cipher.h"
#include "common/status/grpc_status.h"
#include "common/status/status.h"
#include "google/protobuf/field_mask.pb.h"
#include "gtest/gtest.h"
#include "services/registry/tests/registry_test_fixture.h"

namespace qpp::registry {
namespace {

constexpr char kPrincipal[] = "programme-office";

// A keyring of the given ids with fixed keys (key i: 32 bytes of 'a' + i).
std::string Keyring(const std::vector<int>& ids) {
  std::string out;
  for (int id : ids) {
    absl::StrAppend(&out, out.empty() ? "" : ",", id, ":",
                    absl::Base64Escape(std::string(32, 'a' + id)));
  }
  return out;
}

v1::Contact Person(const std::string& name, const std::string& phone,
                   const std::string& email = "") {
  v1::Contact c;
  c.set_display_name(name);
  c.set_phone(phone);
  c.set_email(email);
  return c;
}

class ContactsIntegrationTest : public RegistryIntegrationTest {
 protected:
  void SetUp() override {
    RegistryIntegrationTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(Exec("DELETE FROM contact_reveals").ok());
  }

  // Makes `core` the registry with `keyring` (the fixture's service keeps
  // its own random one; the tests of this file use this one throughout).
  void UseKeyring(const std::string& keyring) {
    auto cipher = crypto::DataCipher::FromKeyring(keyring);
    ASSERT_TRUE(cipher.ok()) << cipher.status();
    keyed_ = std::make_unique<Registry>(*pool_, NewMysqlRegistryRepositories(),
                                        *cipher, RegistryOptions{},
                                        [] { return kNow; });
  }

  // The stored contacts of `uscc`, opened with `keyed_`'s keyring.
  std::vector<v1::Contact> Stored(const std::string& uscc) {
    v1::RevealContactsRequest req;
    req.set_name("organizations/" + uscc);
    req.set_reason("test reads what is stored");
    v1::RevealContactsResponse resp;
    RequestContext call;
    call.mutable_principal().name = kPrincipal;
    absl::Status s = keyed_->contact_privacy().RevealContacts(call, req, &resp);
    EXPECT_TRUE(s.ok()) << s;
    return {resp.contacts().begin(), resp.contacts().end()};
  }

  absl::Status CreateWith(int n, std::vector<v1::Contact> contacts) {
    v1::CreateOrganizationRequest req;
    *req.mutable_organization() = NewOrg(n);
    for (auto& c : contacts) *req.mutable_organization()->add_contacts() = c;
    v1::Organization out;
    return keyed_->organizations().CreateOrganization(RequestContext(), req,
                                                      &out);
  }

  absl::StatusOr<v1::Organization> UpdateContacts(
      const std::string& uscc, std::vector<v1::Contact> contacts) {
    v1::UpdateOrganizationRequest req;
    req.mutable_organization()->set_name("organizations/" + uscc);
    for (auto& c : contacts) *req.mutable_organization()->add_contacts() = c;
    req.mutable_update_mask()->add_paths("contacts");
    v1::Organization out;
    QPP_RETURN_IF_ERROR(keyed_->organizations().UpdateOrganization(
        RequestContext(), req, &out));
    return out;
  }

  grpc::Status Reveal(const std::string& uscc, const std::string& reason,
                      const std::string& principal, int contact_number,
                      v1::RevealContactsResponse* resp) {
    grpc::ClientContext ctx;
    if (!principal.empty()) ctx.AddMetadata("x-qpp-principal", principal);
    ctx.AddMetadata("x-request-id", "reveal-test-1");
    v1::RevealContactsRequest req;
    req.set_name("organizations/" + uscc);
    req.set_reason(reason);
    req.set_contact_number(contact_number);
    return stub_->RevealContacts(&ctx, req, resp);
  }

  std::unique_ptr<Registry> keyed_;
};

TEST_F(ContactsIntegrationTest, MaskedValuesSentBackKeepTheStoredOnes) {
  UseKeyring(Keyring({1}));
  ASSERT_TRUE(
      CreateWith(1, {Person("欧阳娜娜", "13812345678", "ouyang@example.cn"),
                     Person("李四", "0755-88886666")})
          .ok());
  v1::Organization got;
  v1::GetOrganizationRequest greq;
  greq.set_name("organizations/" + Uscc(1));
  ASSERT_TRUE(keyed_->organizations()
                  .GetOrganization(RequestContext(), greq, &got)
                  .ok());
  ASSERT_EQ(got.contacts_size(), 2);
  ASSERT_EQ(got.contacts(0).phone(), "138****5678");

  // Read, change a role, write back everything else as it was shown.
  std::vector<v1::Contact> back(got.contacts().begin(), got.contacts().end());
  back[1].set_role("质量负责人");
  auto updated = UpdateContacts(Uscc(1), back);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->contacts(0).phone(), "138****5678");
  auto stored = Stored(Uscc(1));
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].display_name(), "欧阳娜娜");
  EXPECT_EQ(stored[0].phone(), "13812345678");
  EXPECT_EQ(stored[0].email(), "ouyang@example.cn");
  EXPECT_EQ(stored[1].display_name(), "李四");
  EXPECT_EQ(stored[1].phone(), "0755-88886666");
  EXPECT_EQ(stored[1].role(), "质量负责人");

  // A masked value that masks nothing stored is refused, and nothing moves.
  auto refused = UpdateContacts(
      Uscc(1), {Person("王*", "13812345678"), Person("李四", "075****6666")});
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& v : status::FieldViolationsOf(refused.status())) {
    fields.push_back(v.field);
  }
  EXPECT_EQ(fields, (std::vector<std::string>{"organization.contacts[0]",
                                              "organization.contacts[1]"}));
  stored = Stored(Uscc(1));
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].display_name(), "欧阳娜娜");

  // No stored value holds a '*'.
  for (const auto& c : Stored(Uscc(1))) {
    EXPECT_EQ(c.display_name().find('*'), std::string::npos);
    EXPECT_EQ(c.phone().find('*'), std::string::npos);
    EXPECT_EQ(c.email().find('*'), std::string::npos);
  }
}

TEST_F(ContactsIntegrationTest, MaskedValuesAreRefusedOnCreate) {
  UseKeyring(Keyring({1}));
  absl::Status s = CreateWith(2, {Person("张*", "13812345678")});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  s = CreateWith(2, {Person("张三", "13812345678", "z***@example.cn")});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_FALSE(status::FieldViolationsOf(s).empty());
  EXPECT_EQ(status::FieldViolationsOf(s)[0].field, "organization.contacts[0]");
  EXPECT_NE(status::FieldViolationsOf(s)[0].description.find("masked"),
            std::string::npos);
  // Batch creation reports the row and stores nothing of it.
  v1::BatchCreateOrganizationsRequest batch;
  *batch.add_organizations() = NewOrg(3);
  *batch.mutable_organizations(0)->add_contacts() =
      Person("张**", "138****5678");
  v1::BatchCreateOrganizationsResponse out;
  ASSERT_TRUE(keyed_->organization_import()
                  .BatchCreateOrganizations(RequestContext(), batch, &out)
                  .ok());
  ASSERT_EQ(out.results_size(), 1);
  EXPECT_EQ(out.results(0).code(), 3);  // INVALID_ARGUMENT
  EXPECT_EQ(CountRows("organizations"), 0);
}

TEST_F(ContactsIntegrationTest, RevealNeedsAPrincipalAndAReasonAndIsAudited) {
  v1::Organization org = NewOrg(4);
  *org.add_contacts() = Person("欧阳娜娜", "13812345678");
  *org.add_contacts() = Person("李四", "0755-88886666");
  v1::Organization created;
  ASSERT_TRUE(Create(org, &created).ok());

  v1::RevealContactsResponse resp;
  EXPECT_EQ(Reveal(Uscc(4), "", kPrincipal, 0, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(
      Reveal(Uscc(4), std::string(201, 'x'), kPrincipal, 0, &resp).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  grpc::Status anonymous = Reveal(Uscc(4), "follow-up", "", 0, &resp);
  EXPECT_EQ(anonymous.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status::ReasonOf(status::FromGrpcStatus(anonymous)),
            "PRINCIPAL_REQUIRED");
  EXPECT_EQ(Reveal(Uscc(4), "follow-up", kPrincipal, 3, &resp).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Reveal(Uscc(9), "follow-up", kPrincipal, 0, &resp).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(CountRows("contact_reveals"), 0);  // refused calls reveal nothing

  ASSERT_TRUE(Reveal(Uscc(4), "award follow-up visit, file 2026-17", kPrincipal,
                     2, &resp)
                  .ok());
  ASSERT_EQ(resp.contacts_size(), 1);
  EXPECT_EQ(resp.contacts(0).display_name(), "李四");
  EXPECT_EQ(resp.contacts(0).phone(), "0755-88886666");
  EXPECT_GT(resp.audit_id(), 0);

  auto rows = db_->Query(
      "SELECT id, uscc, contact_number, contacts_revealed, principal, "
      "request_id, reason, reveal_time FROM contact_reveals");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  const auto& r = (*rows)[0];
  EXPECT_EQ(r.Int(0), resp.audit_id());
  EXPECT_EQ(r.String(1), Uscc(4));
  EXPECT_EQ(r.Int(2), 2);
  EXPECT_EQ(r.Int(3), 1);
  EXPECT_EQ(r.String(4), kPrincipal);
  EXPECT_EQ(r.String(5), "reveal-test-1");
  EXPECT_EQ(r.String(6), "award follow-up visit, file 2026-17");
  EXPECT_EQ(r.String(7).substr(0, 10), "2026-11-23");
  // The audit never holds the values.
  auto clear = db_->Query(
      "SELECT COUNT(*) FROM contact_reveals WHERE reason LIKE '%0755%' OR "
      "principal LIKE '%李%'");
  ASSERT_TRUE(clear.ok());
  EXPECT_EQ((*clear)[0].Int(0), 0);
}

TEST_F(ContactsIntegrationTest, RotationMovesEveryRowToTheNewKey) {
  UseKeyring(Keyring({1}));
  for (int n = 10; n < 25; ++n) {
    ASSERT_TRUE(CreateWith(n, {Person(absl::StrCat("联系人", n),
                                      absl::StrCat("138000000", n))})
                    .ok());
  }
  ASSERT_TRUE(CreateWith(30, {}).ok());  // no contacts: nothing to seal
  auto usage = keyed_->contact_privacy().KeyUsage();
  ASSERT_TRUE(usage.ok());
  EXPECT_EQ(*usage, (std::map<int, int64_t>{{1, 15}}));
  auto etag_before = db_->Query(
      "SELECT version FROM organizations WHERE uscc = '" + Uscc(10) + "'");
  ASSERT_TRUE(etag_before.ok());

  // Key 2 joins the keyring; new writes use it, old rows still open.
  UseKeyring(Keyring({1, 2}));
  ASSERT_TRUE(CreateWith(31, {Person("新人", "13900000000")}).ok());
  usage = keyed_->contact_privacy().KeyUsage();
  EXPECT_EQ(*usage, (std::map<int, int64_t>{{1, 15}, {2, 1}}));
  EXPECT_EQ(keyed_->contact_privacy().CheckKeyRetirement(1).code(),
            absl::StatusCode::kFailedPrecondition);

  int batches = 0;
  auto report = keyed_->contact_privacy().ReencryptContacts(
      4, [&](const ReencryptReport&) { ++batches; });
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->key_id, 2);
  EXPECT_EQ(report->reencrypted, 15);
  EXPECT_EQ(report->skipped, 0);
  EXPECT_EQ(batches, 4);  // 4 + 4 + 4 + 3
  EXPECT_EQ(report->rows_by_key, (std::map<int, int64_t>{{2, 16}}));
  // A second run finds nothing left.
  report = keyed_->contact_privacy().ReencryptContacts(4, [](auto&) {});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->reencrypted, 0);

  // Every row opens with key 2 alone, and versions (etags) did not move.
  UseKeyring(Keyring({2}));
  for (int n = 10; n < 25; ++n) {
    auto stored = Stored(Uscc(n));
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].phone(), absl::StrCat("138000000", n));
  }
  auto etag_after = db_->Query(
      "SELECT version FROM organizations WHERE uscc = '" + Uscc(10) + "'");
  ASSERT_TRUE(etag_after.ok());
  EXPECT_EQ((*etag_after)[0].Int(0), (*etag_before)[0].Int(0));

  // Key 1 may go now; key 2, the active one, may not.
  UseKeyring(Keyring({1, 2}));
  EXPECT_TRUE(keyed_->contact_privacy().CheckKeyRetirement(1).ok());
  EXPECT_EQ(keyed_->contact_privacy().CheckKeyRetirement(2).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(ContactsIntegrationTest, RetiringAKeyInUseIsRefusedWithCounts) {
  UseKeyring(Keyring({1}));
  ASSERT_TRUE(CreateWith(40, {Person("甲", "13800000001")}).ok());
  ASSERT_TRUE(CreateWith(41, {Person("乙", "13800000002")}).ok());
  UseKeyring(Keyring({1, 3}));
  ASSERT_TRUE(CreateWith(42, {Person("丙", "13800000003")}).ok());
  absl::Status s = keyed_->contact_privacy().CheckKeyRetirement(1);
  ASSERT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("key 1: 2 organisations"), std::string::npos) << s;
  EXPECT_NE(s.message().find("key 3: 1 organisations"), std::string::npos) << s;
  // A key nobody uses and that is not active may go.
  EXPECT_TRUE(keyed_->contact_privacy().CheckKeyRetirement(2).ok());

  // Without key 1 in the keyring, re-encryption stops at its rows and says
  // so; nothing is lost.
  UseKeyring(Keyring({3}));
  auto report = keyed_->contact_privacy().ReencryptContacts(10, [](auto&) {});
  EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  UseKeyring(Keyring({1, 3}));
  EXPECT_EQ(Stored(Uscc(40))[0].phone(), "13800000001");
}

TEST_F(ContactsIntegrationTest, RotationWhileTheServiceWritesLosesNothing) {
  UseKeyring(Keyring({1}));
  for (int n = 50; n < 60; ++n) {
    ASSERT_TRUE(CreateWith(n, {Person("甲", "13800000001")}).ok());
  }
  UseKeyring(Keyring({1, 2}));
  // A writer changes contacts while the rotation runs.
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    int i = 0;
    while (!stop.load()) {
      const int n = 50 + (i++ % 10);
      (void)UpdateContacts(Uscc(n),
                           {Person("乙", absl::StrCat("1390000", 1000 + i))});
    }
  });
  auto report = keyed_->contact_privacy().ReencryptContacts(3, [](auto&) {});
  stop = true;
  writer.join();
  ASSERT_TRUE(report.ok()) << report.status();
  // Rows the writer sealed meanwhile are under key 2 too (its keyring).
  EXPECT_EQ(report->rows_by_key, (std::map<int, int64_t>{{2, 10}}));
  for (int n = 50; n < 60; ++n) {
    auto stored = Stored(Uscc(n));
    ASSERT_EQ(stored.size(), 1u);
  }
}

}  // namespace
}  // namespace qpp::registry
