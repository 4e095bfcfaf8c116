#pragma once

// Stored decisions as messages and as wire bytes. A decision's reasons and
// facts are stored as one serialized v1::EligibilityDecision holding only
// them (DecisionRecord::body); its other fields come from columns. The
// protobuf wire format merges concatenated messages, so a decision's bytes
// are its column fields serialized followed by the stored body, which is
// never parsed: the listings (ListEligibilityDecisions,
// ListDecisionChanges) build their pages from these bytes, where parsing
// and re-serialising every body took most of their time.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "qpp/funding/v1/funding_service.pb.h"
#include "services/cultivation/funding/src/funding_repository.h"

namespace qpp::funding {

// "fundingSchemes/{code}".
std::string SchemeName(const std::string& code);
// "eligibilityDecisions/{id}".
std::string DecisionName(int64_t id);

// The decision's fields stored in columns: everything but reasons and
// facts (and disbursed_fen, which is not stored with it).
v1::EligibilityDecision DecisionHeader(const DecisionRecord& d);

// The whole decision as a message, its body parsed. INTERNAL if the body is
// unreadable.
absl::StatusOr<v1::EligibilityDecision> ToDecision(const DecisionRecord& d);

// The whole decision in wire form: what ToDecision(d) serializes to, read
// back as the same message, without parsing the body.
std::string DecisionBytes(const DecisionRecord& d);

// Appends `d` to `resp`'s decisions, and a change of `d` (its sequence and
// the decision) to `resp`'s changes, in wire form. The entries are held as
// unknown fields of the field number of `decisions` (`changes`), which the
// message serializes after its known fields and every parser, the callers'
// and the gateway's, reads as entries of that repeated field, in order. In
// process they are seen only once the response is serialized and parsed
// again.
void AddDecision(const DecisionRecord& d,
                 v1::ListEligibilityDecisionsResponse* resp);
void AddChange(const DecisionRecord& d, v1::ListDecisionChangesResponse* resp);

}  // namespace qpp::funding
