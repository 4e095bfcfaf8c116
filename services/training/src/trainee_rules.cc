#include "services/training/src/trainee_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/resource/names.h"
#include "common/validation/contact.h"
#include "common/validation/resident_id.h"
#include "common/validation/text.h"
#include "services/training/src/course_rules.h"

namespace qpp::training {
namespace {

const std::vector<std::string>& TraineeMutableFields() {
  static const auto* fields =
      new std::vector<std::string>{"display_name", "phone", "employer"};
  return *fields;
}

void ValidateField(const v1::Trainee& t, absl::string_view path,
                   status::FieldErrors& errors) {
  if (path == "display_name") {
    validation::CheckText("trainee.display_name", t.display_name(), 1, 50,
                          errors);
  } else if (path == "phone") {
    if (!t.phone().empty() && !validation::IsValidPhone(t.phone())) {
      errors.Add("trainee.phone",
                 "is not a valid phone number (digits, optional area code)");
    }
  } else if (path == "employer") {
    if (!resource::ParseOrganizationName(t.employer(), "trainee.employer")
             .ok()) {
      errors.Add("trainee.employer",
                 "must be organizations/{uscc} with a valid USCC");
    }
  }
}

}  // namespace

std::string TraineeName(int64_t id) { return absl::StrCat("trainees/", id); }

absl::StatusOr<int64_t> ParseTraineeName(absl::string_view name,
                                         absl::string_view field) {
  QPP_ASSIGN_OR_RETURN(std::string id,
                       resource::ParseName(name, "trainees", field));
  const std::optional<int64_t> value = ParseId(id);
  if (!value.has_value()) {
    return status::InvalidField(std::string(field),
                                "must be trainees/{id} with a numeric id");
  }
  return *value;
}

void ValidateNewTrainee(const v1::Trainee& trainee, absl::CivilDay today,
                        status::FieldErrors& errors) {
  ValidateField(trainee, "display_name", errors);
  if (trainee.resident_id().empty()) {
    errors.Add("trainee.resident_id", "is required");
  } else {
    const std::string problem =
        validation::ResidentIdProblem(trainee.resident_id(), today);
    if (!problem.empty()) {
      errors.Add("trainee.resident_id",
                 absl::StrCat("is not a valid resident ID number: ", problem));
    }
  }
  ValidateField(trainee, "phone", errors);
  ValidateField(trainee, "employer", errors);
}

void ValidateTraineeUpdate(const v1::Trainee& patch,
                           const std::vector<std::string>& paths,
                           status::FieldErrors& errors) {
  for (const std::string& path : paths) ValidateField(patch, path, errors);
}

absl::StatusOr<std::vector<std::string>> TraineeUpdatePaths(
    const google::protobuf::FieldMask& mask) {
  const auto& allowed = TraineeMutableFields();
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

std::string MaskResidentId(absl::string_view id) {
  if (id.size() < 8) return std::string(id.size(), '*');
  return absl::StrCat(id.substr(0, 4), std::string(id.size() - 8, '*'),
                      id.substr(id.size() - 4));
}

std::string MaskTraineePhone(absl::string_view phone) {
  return phone.empty() ? std::string() : validation::MaskPhone(phone);
}

}  // namespace qpp::training
