#include "common/resource/names.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/status.h"
#include "common/validation/uscc.h"

namespace qpp::resource {
namespace {

absl::Status MustBe(absl::string_view field, absl::string_view shape) {
  return status::InvalidField(std::string(field),
                              absl::StrCat("must be \"", shape, "\""));
}

absl::Status CheckUscc(absl::string_view uscc, absl::string_view field) {
  const std::string problem = validation::UsccProblem(uscc);
  if (problem.empty()) return absl::OkStatus();
  return status::InvalidField(std::string(field),
                              absl::StrCat("USCC ", problem));
}

}  // namespace

absl::StatusOr<std::string> ParseName(absl::string_view name,
                                      absl::string_view collection,
                                      absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 2 || parts[0] != collection || parts[1].empty()) {
    return MustBe(field, absl::StrCat(collection, "/{id}"));
  }
  return std::string(parts[1]);
}

absl::StatusOr<ChildName> ParseChildName(absl::string_view name,
                                         absl::string_view parent_collection,
                                         absl::string_view collection,
                                         absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != parent_collection || parts[1].empty() ||
      parts[2] != collection || parts[3].empty()) {
    return MustBe(
        field, absl::StrCat(parent_collection, "/{id}/", collection, "/{id}"));
  }
  return ChildName{std::string(parts[1]), std::string(parts[3])};
}

std::string OrganizationName(absl::string_view uscc) {
  return absl::StrCat(kOrganizations, "/", uscc);
}

absl::StatusOr<std::string> ParseUsccName(absl::string_view name,
                                          absl::string_view collection,
                                          absl::string_view field) {
  auto uscc = ParseName(name, collection, field);
  if (!uscc.ok()) return MustBe(field, absl::StrCat(collection, "/{uscc}"));
  if (absl::Status s = CheckUscc(*uscc, field); !s.ok()) return s;
  return uscc;
}

absl::StatusOr<std::string> ParseOrganizationName(absl::string_view name,
                                                  absl::string_view field) {
  return ParseUsccName(name, kOrganizations, field);
}

absl::StatusOr<std::string> ParseOrganizationParent(absl::string_view parent,
                                                    absl::string_view field) {
  if (parent == absl::StrCat(kOrganizations, "/", kAll)) return std::string();
  return ParseOrganizationName(parent, field);
}

absl::StatusOr<ChildName> ParseOrganizationChildName(
    absl::string_view name, absl::string_view collection,
    absl::string_view field) {
  auto child = ParseChildName(name, kOrganizations, collection, field);
  if (!child.ok()) {
    return MustBe(
        field, absl::StrCat(kOrganizations, "/{uscc}/", collection, "/{id}"));
  }
  if (absl::Status s = CheckUscc(child->parent, field); !s.ok()) return s;
  return child;
}

}  // namespace qpp::resource
