#include "services/cultivation/funding/src/decision_wire.h"

#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/resource/names.h"
#include "google/protobuf/unknown_field_set.h"

namespace qpp::funding {

std::string SchemeName(const std::string& code) {
  return absl::StrCat("fundingSchemes/", code);
}

std::string DecisionName(int64_t id) {
  return absl::StrCat("eligibilityDecisions/", id);
}

v1::EligibilityDecision DecisionHeader(const DecisionRecord& d) {
  v1::EligibilityDecision out;
  out.set_name(DecisionName(d.id));
  out.set_organization(resource::OrganizationName(d.uscc));
  out.set_scheme(SchemeName(d.scheme));
  out.set_rule(absl::StrCat(SchemeName(d.scheme), "/rules/", d.rule_version));
  out.set_outcome(d.outcome);
  if (d.valid_from.has_value()) {
    *out.mutable_valid_from() = dates::ToDate(*d.valid_from);
  }
  if (d.valid_to.has_value()) {
    *out.mutable_valid_to() = dates::ToDate(*d.valid_to);
  }
  out.set_amount_cap_fen(d.amount_cap_fen);
  *out.mutable_decide_time() = dates::ToTimestamp(d.decide_time);
  if (d.supersedes.has_value()) {
    out.set_supersedes(DecisionName(*d.supersedes));
  }
  out.set_superseded(d.superseded);
  return out;
}

absl::StatusOr<v1::EligibilityDecision> ToDecision(const DecisionRecord& d) {
  v1::EligibilityDecision out;
  if (!out.ParseFromString(d.body)) {
    return absl::InternalError(
        absl::StrCat("decision ", d.id, " has an unreadable body"));
  }
  // The body holds only reasons and facts: merging the header sets the
  // rest.
  out.MergeFrom(DecisionHeader(d));
  return out;
}

namespace {

// Where a message keeps the fields it does not know; serialized after the
// known ones.
google::protobuf::UnknownFieldSet& UnknownFields(
    google::protobuf::Message& message) {
  return *message.GetReflection()->MutableUnknownFields(&message);
}

}  // namespace

std::string DecisionBytes(const DecisionRecord& d) {
  std::string bytes = DecisionHeader(d).SerializeAsString();
  bytes += d.body;
  return bytes;
}

void AddDecision(const DecisionRecord& d,
                 v1::ListEligibilityDecisionsResponse* resp) {
  *UnknownFields(*resp).AddLengthDelimited(
      v1::ListEligibilityDecisionsResponse::kDecisionsFieldNumber) =
      DecisionBytes(d);
}

void AddChange(const DecisionRecord& d, v1::ListDecisionChangesResponse* resp) {
  v1::DecisionChange change;
  change.set_sequence(d.sequence);
  *UnknownFields(change).AddLengthDelimited(
      v1::DecisionChange::kDecisionFieldNumber) = DecisionBytes(d);
  *UnknownFields(*resp).AddLengthDelimited(
      v1::ListDecisionChangesResponse::kChangesFieldNumber) =
      change.SerializeAsString();
}

}  // namespace qpp::funding
