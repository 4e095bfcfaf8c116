// The wire form of stored decisions: the bytes built without parsing the
// body read back as the message ToDecision makes, alone and inside the
// listings' responses.

#include "services/cultivation/funding/src/decision_wire.h"

#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace qpp::funding {
namespace {

using google::protobuf::util::MessageDifferencer;

DecisionRecord Stored(int64_t id, bool full) {
  v1::EligibilityDecision body;
  v1::Reason* reason = body.add_reasons();
  reason->set_code("CERTIFIED_STAFF");
  reason->set_rule("fundingSchemes/training-subsidy/rules/1");
  reason->set_basis("深府办〔2026〕1号 第七条");
  reason->set_detail("2 certified staff, at least 1 needed");
  v1::Fact* fact = body.add_facts();
  fact->set_name("training.certified_staff");
  fact->set_value("2");
  fact->set_source("qpp.training.v1.TrainingService");
  fact->mutable_read_time()->set_seconds(1'795'000'000);
  DecisionRecord d;
  d.id = id;
  d.uscc = "91440300MA5F000007";
  d.scheme = "training-subsidy";
  d.rule_version = 1;
  d.outcome = v1::OUTCOME_ELIGIBLE;
  d.amount_cap_fen = 100'000;
  d.decide_time = absl::FromUnixSeconds(1'795'000'001);
  d.sequence = id + 10;
  d.body = body.SerializeAsString();
  if (full) {
    d.valid_from = absl::CivilDay(2026, 11, 30);
    d.valid_to = absl::CivilDay(2027, 11, 29);
    d.supersedes = id - 1;
    d.superseded = true;
  }
  return d;
}

TEST(DecisionWire, BytesReadBackAsTheParsedDecision) {
  for (bool full : {false, true}) {
    const DecisionRecord d = Stored(7, full);
    absl::StatusOr<v1::EligibilityDecision> parsed = ToDecision(d);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(parsed->name(), "eligibilityDecisions/7");
    EXPECT_EQ(parsed->reasons(0).code(), "CERTIFIED_STAFF");
    EXPECT_EQ(parsed->superseded(), full);
    v1::EligibilityDecision spliced;
    ASSERT_TRUE(spliced.ParseFromString(DecisionBytes(d)));
    EXPECT_TRUE(MessageDifferencer::Equals(spliced, *parsed))
        << spliced.DebugString() << parsed->DebugString();
  }
}

TEST(DecisionWire, ListingsCarryTheDecisionsInOrder) {
  v1::ListEligibilityDecisionsResponse list;
  v1::ListDecisionChangesResponse changes;
  for (int64_t id : {3, 4, 5}) {
    AddDecision(Stored(id, id % 2 == 0), &list);
    AddChange(Stored(id, id % 2 == 0), &changes);
  }
  list.set_next_page_token("next");
  changes.set_next_page_token("cursor");
  changes.mutable_read_time()->set_seconds(1'795'000'002);

  v1::ListEligibilityDecisionsResponse got_list;
  ASSERT_TRUE(got_list.ParseFromString(list.SerializeAsString()));
  ASSERT_EQ(got_list.decisions_size(), 3);
  EXPECT_EQ(got_list.next_page_token(), "next");
  v1::ListDecisionChangesResponse got_changes;
  ASSERT_TRUE(got_changes.ParseFromString(changes.SerializeAsString()));
  ASSERT_EQ(got_changes.changes_size(), 3);
  EXPECT_EQ(got_changes.next_page_token(), "cursor");
  EXPECT_EQ(got_changes.read_time().seconds(), 1'795'000'002);
  for (int i = 0; i < 3; ++i) {
    const int64_t id = 3 + i;
    const v1::EligibilityDecision want = *ToDecision(Stored(id, id % 2 == 0));
    EXPECT_TRUE(MessageDifferencer::Equals(got_list.decisions(i), want))
        << got_list.decisions(i).DebugString();
    EXPECT_EQ(got_changes.changes(i).sequence(), id + 10);
    EXPECT_TRUE(
        MessageDifferencer::Equals(got_changes.changes(i).decision(), want))
        << got_changes.changes(i).DebugString();
  }
}

}  // namespace
}  // namespace qpp::funding
