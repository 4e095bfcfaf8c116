// Rules of contacts (contact_rules.h), in memory: masked values never
// replace stored ones.

#include "services/registry/src/contact_rules.h"

#include "gtest/gtest.h"

namespace qpp::registry {
namespace {

v1::Contact Person(const std::string& name, const std::string& phone,
                   const std::string& email = "") {
  v1::Contact c;
  c.set_display_name(name);
  c.set_phone(phone);
  c.set_email(email);
  return c;
}

Contacts Stored() {
  Contacts stored;
  *stored.Add() = Person("张三丰", "13812345678", "zhang@example.cn");
  *stored.Add() = Person("李四", "0755-88886666");
  return stored;
}

TEST(ResolveMaskedContactsTest, SentBackMasksKeepTheStoredValues) {
  Contacts sent;
  *sent.Add() = Person("李*", "075******6666");  // reordered
  *sent.Add() = Person("张**", "138****5678", "z***@example.cn");
  sent[1].set_role("质量负责人");  // the change the client made
  status::FieldErrors errors;
  ResolveMaskedContacts(sent, Stored(), "organization.", errors);
  ASSERT_TRUE(errors.empty()) << errors.ToStatus();
  EXPECT_EQ(sent[0].display_name(), "李四");
  EXPECT_EQ(sent[0].phone(), "0755-88886666");
  EXPECT_EQ(sent[1].display_name(), "张三丰");
  EXPECT_EQ(sent[1].phone(), "13812345678");
  EXPECT_EQ(sent[1].email(), "zhang@example.cn");
  EXPECT_EQ(sent[1].role(), "质量负责人");
}

TEST(ResolveMaskedContactsTest, ClearFieldsNextToMaskedOnesAreTakenAsSent) {
  Contacts sent;
  *sent.Add() = Person("张**", "13900001111", "z***@example.cn");
  status::FieldErrors errors;
  ResolveMaskedContacts(sent, Stored(), "", errors);
  ASSERT_TRUE(errors.empty());
  EXPECT_EQ(sent[0].display_name(), "张三丰");
  EXPECT_EQ(sent[0].phone(), "13900001111");
  EXPECT_EQ(sent[0].email(), "zhang@example.cn");
}

TEST(ResolveMaskedContactsTest, OtherMaskedValuesAreRefused) {
  Contacts sent;
  *sent.Add() = Person("王*", "13812345678");           // no stored 王
  *sent.Add() = Person("张三丰", "138****0000");        // not the stored mask
  *sent.Add() = Person("李四", "", "l***@example.cn");  // 李四 has no e-mail
  status::FieldErrors errors;
  ResolveMaskedContacts(sent, Stored(), "organization.", errors);
  ASSERT_EQ(errors.violations().size(), 3u);
  EXPECT_EQ(errors.violations()[0].field, "organization.contacts[0]");
  EXPECT_NE(errors.violations()[0].description.find("masked"),
            std::string::npos);
  EXPECT_EQ(errors.violations()[2].field, "organization.contacts[2]");
}

TEST(ResolveMaskedContactsTest, AmbiguousMasksAreRefused) {
  Contacts stored;
  *stored.Add() = Person("张三", "13812345678");
  *stored.Add() = Person("张四", "13800000000");
  Contacts sent;
  *sent.Add() = Person("张*", "13812345678");
  status::FieldErrors errors;
  ResolveMaskedContacts(sent, stored, "", errors);
  ASSERT_EQ(errors.violations().size(), 1u);
  EXPECT_NE(errors.violations()[0].description.find("several"),
            std::string::npos);
}

TEST(ResolveMaskedContactsTest, NothingStoredRefusesEveryMaskedValue) {
  Contacts sent;
  *sent.Add() = Person("张**", "13812345678");
  *sent.Add() = Person("李四", "13812345678");
  status::FieldErrors errors;
  ResolveMaskedContacts(sent, Contacts(), "organization.", errors);
  ASSERT_EQ(errors.violations().size(), 1u);
  EXPECT_EQ(errors.violations()[0].field, "organization.contacts[0]");
}

TEST(RevealRulesTest, ReasonAndContactNumber) {
  EXPECT_TRUE(ValidateRevealRequest("award follow-up", 0).ok());
  EXPECT_EQ(ValidateRevealRequest("", 0).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateRevealRequest(std::string(201, 'x'), 0).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateRevealRequest("x", -1).code(),
            absl::StatusCode::kInvalidArgument);
  auto all = SelectContacts(Stored(), 0, "organizations/X");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2);
  auto second = SelectContacts(Stored(), 2, "organizations/X");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)[0].display_name(), "李四");
  EXPECT_EQ(SelectContacts(Stored(), 3, "organizations/X").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace qpp::registry
