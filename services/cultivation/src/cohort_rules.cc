#include "services/cultivation/src/cohort_rules.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/dates/dates.h"
#include "common/resource/names.h"

namespace qpp::cultivation {
namespace {

const std::vector<std::string>& CohortMutableFields() {
  static const auto* fields =
      new std::vector<std::string>{"capacity",
                                   "library_cap",
                                   "application_open_date",
                                   "application_close_date",
                                   "min_reviews",
                                   "adjudication_spread"};
  return *fields;
}

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// Validates and copies field `path` of `in` into `out`.
void ApplyField(const v1::Cohort& in, absl::string_view path, CohortRecord& out,
                status::FieldErrors& errors) {
  const std::string field = absl::StrCat("cohort.", path);
  if (path == "capacity") {
    if (in.capacity() < 1 || in.capacity() > 1000) {
      errors.Add(field, "must be 1..1000");
    }
    out.capacity = in.capacity();
  } else if (path == "library_cap") {
    if (in.library_cap() < 1 || in.library_cap() > 10000) {
      errors.Add(field, "must be 1..10000");
    }
    out.library_cap = in.library_cap();
  } else if (path == "application_open_date" ||
             path == "application_close_date") {
    const auto& date = path == "application_open_date"
                           ? in.application_open_date()
                           : in.application_close_date();
    const std::optional<absl::CivilDay> day = dates::ToCivilDay(date);
    if (!day.has_value()) {
      errors.Add(field, "must be a valid date");
      return;
    }
    (path == "application_open_date" ? out.open_day : out.close_day) = *day;
  } else if (path == "min_reviews") {
    if (in.min_reviews() < 1 || in.min_reviews() > 20) {
      errors.Add(field, "must be 1..20");
    }
    out.min_reviews = in.min_reviews();
  } else if (path == "adjudication_spread") {
    if (!(in.adjudication_spread() >= 0 && in.adjudication_spread() <= 100)) {
      errors.Add(field, "must be 0..100 points");
    }
    out.adjudication_spread = in.adjudication_spread();
  }
}

void CheckWindow(const CohortRecord& cohort, status::FieldErrors& errors) {
  if (cohort.close_day < cohort.open_day) {
    errors.Add("cohort.application_close_date",
               "must not be before application_open_date");
  }
}

}  // namespace

std::optional<int64_t> ParseId(absl::string_view id) {
  int64_t value = 0;
  if (id.empty() || id.size() > 18 || id[0] == '0' ||
      !std::all_of(id.begin(), id.end(),
                   [](char c) { return c >= '0' && c <= '9'; }) ||
      !absl::SimpleAtoi(id, &value) || value <= 0) {
    return std::nullopt;
  }
  return value;
}

std::string Etag(int64_t version) { return absl::StrCat("\"", version, "\""); }

std::string CohortName(int32_t year) { return absl::StrCat("cohorts/", year); }

absl::StatusOr<int32_t> ParseCohortName(absl::string_view name,
                                        absl::string_view field) {
  QPP_ASSIGN_OR_RETURN(std::string id,
                       resource::ParseName(name, "cohorts", field));
  const std::optional<int64_t> year = ParseId(id);
  if (!year.has_value() || *year < 2000 || *year > 2100) {
    return status::InvalidField(
        std::string(field), "must be cohorts/{year} with a year 2000..2100");
  }
  return static_cast<int32_t>(*year);
}

absl::Status ValidateOptions(const ProgrammeOptions& options) {
  if (options.default_capacity < 1 || options.default_capacity > 1000) {
    return absl::InvalidArgumentError("--default_capacity must be 1..1000");
  }
  if (options.default_library_cap < 1 || options.default_library_cap > 10000) {
    return absl::InvalidArgumentError("--default_library_cap must be 1..10000");
  }
  return absl::OkStatus();
}

CohortRecord NewCohort(const v1::Cohort& in, const ProgrammeOptions& options,
                       status::FieldErrors& errors) {
  CohortRecord out;
  if (in.year() < 2000 || in.year() > 2100) {
    errors.Add("cohort.year", "must be 2000..2100");
  }
  out.year = in.year();
  out.capacity = options.default_capacity;
  out.library_cap = options.default_library_cap;
  out.min_reviews = kDefaultMinReviews;
  out.adjudication_spread = kDefaultAdjudicationSpread;
  out.selection_state = v1::SELECTION_STATE_OPEN;
  if (in.capacity() != 0) ApplyField(in, "capacity", out, errors);
  if (in.library_cap() != 0) ApplyField(in, "library_cap", out, errors);
  if (in.min_reviews() != 0) ApplyField(in, "min_reviews", out, errors);
  if (in.adjudication_spread() != 0) {
    ApplyField(in, "adjudication_spread", out, errors);
  }
  const size_t before = errors.violations().size();
  ApplyField(in, "application_open_date", out, errors);
  ApplyField(in, "application_close_date", out, errors);
  if (errors.violations().size() == before) CheckWindow(out, errors);
  return out;
}

absl::StatusOr<std::vector<std::string>> CohortUpdatePaths(
    const google::protobuf::FieldMask& mask) {
  const auto& allowed = CohortMutableFields();
  if (mask.paths().empty()) {
    return status::InvalidField("update_mask",
                                absl::StrCat("name the fields to change: ",
                                             absl::StrJoin(allowed, ", ")));
  }
  std::vector<std::string> paths;
  for (const std::string& path : mask.paths()) {
    if (std::find(allowed.begin(), allowed.end(), path) == allowed.end()) {
      return status::InvalidField(
          "update_mask",
          absl::StrCat("cannot change \"", path, "\"; changeable fields: ",
                       absl::StrJoin(allowed, ", ")));
    }
    paths.push_back(path);
  }
  return paths;
}

CohortRecord ApplyCohortUpdate(const CohortRecord& current,
                               const v1::Cohort& patch,
                               const std::vector<std::string>& paths,
                               status::FieldErrors& errors) {
  CohortRecord out = current;
  const size_t before = errors.violations().size();
  for (const std::string& path : paths) ApplyField(patch, path, out, errors);
  if (errors.violations().size() == before) CheckWindow(out, errors);
  return out;
}

absl::Status CheckSelectionOpen(const CohortRecord& cohort,
                                absl::string_view what) {
  if (cohort.selection_state != v1::SELECTION_STATE_PUBLISHED) {
    return absl::OkStatus();
  }
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "SELECTION_PUBLISHED",
      absl::StrCat("the selection of ", CohortName(cohort.year),
                   " is published, so ", what, "; reopen it first"));
}

absl::Status CheckApplicationWindow(const CohortRecord& cohort,
                                    absl::CivilDay today) {
  if (today >= cohort.open_day && today <= cohort.close_day) {
    return absl::OkStatus();
  }
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "APPLICATION_WINDOW_CLOSED",
      absl::StrCat(CohortName(cohort.year), " accepts applications from ",
                   DayText(cohort.open_day), " to ", DayText(cohort.close_day),
                   "; today is ", DayText(today)));
}

v1::Cohort ToCohort(const CohortRecord& r) {
  v1::Cohort out;
  out.set_name(CohortName(r.year));
  out.set_year(r.year);
  out.set_capacity(r.capacity);
  out.set_library_cap(r.library_cap);
  *out.mutable_application_open_date() = dates::ToDate(r.open_day);
  *out.mutable_application_close_date() = dates::ToDate(r.close_day);
  out.set_min_reviews(r.min_reviews);
  out.set_adjudication_spread(r.adjudication_spread);
  out.set_selection_state(r.selection_state);
  *out.mutable_create_time() = dates::ToTimestamp(r.create_time);
  *out.mutable_update_time() = dates::ToTimestamp(r.update_time);
  out.set_etag(Etag(r.version));
  return out;
}

}  // namespace qpp::cultivation
