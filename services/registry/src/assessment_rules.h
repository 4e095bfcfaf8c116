#pragma once

// Rules of self-assessments against the GB/T 19580 score sheet: validation
// and scoring, and the score sheet as the API shows it. Pure functions; no
// gRPC, no SQL.

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "qpp/registry/v1/resources.pb.h"
#include "services/registry/src/reference_data.h"

namespace qpp::registry {

// Validates and scores a self-assessment on its sheet (default: the sheet in
// force on its date). Fills sheet_version, items' max_points and points,
// categories and total. INVALID_ARGUMENT unless every item of the sheet is
// scored exactly once with a percentage 0..100 in steps of 5.
absl::StatusOr<v1::SelfAssessment> ScoreSelfAssessment(
    const ReferenceData& ref, const v1::SelfAssessment& input,
    absl::CivilDay today);

// Fills category and total scores from items that carry item_code and
// percent (used when reading stored assessments).
void ComputeScores(const ScoreSheetDef& sheet, v1::SelfAssessment& assessment);

// The sheet a "scoreSheets/{version}" name asks for: that version, or the
// sheet in force on `today` for "current"; null if there is none.
const ScoreSheetDef* FindScoreSheet(const ReferenceData& ref,
                                    absl::string_view version,
                                    absl::CivilDay today);

// The score sheet as the API shows it.
v1::ScoreSheet ToScoreSheet(const ScoreSheetDef& sheet);

// Checks the reason of a correction or withdrawal: 1..500 characters of
// text. INVALID_ARGUMENT ("reason") otherwise.
absl::Status ValidateChangeReason(absl::string_view reason);

// OK for a CURRENT assessment (`name` is its resource name);
// FAILED_PRECONDITION (ASSESSMENT_NOT_CURRENT) for a superseded or
// withdrawn one, whose history is fixed: correct the current version.
absl::Status CheckCurrent(v1::SelfAssessmentState state,
                          absl::string_view name);

}  // namespace qpp::registry
