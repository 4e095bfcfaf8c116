#include "tools/qppctl/import.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace qpp::qppctl {
namespace {

namespace v1 = ::qpp::registry::v1;

const std::set<std::string>& KnownColumns() {
  static const auto* const kColumns =
      new std::set<std::string>{"uscc",
                                "display_name",
                                "name",
                                "kind",
                                "district_code",
                                "industry_code",
                                "employees",
                                "annual_revenue_yuan",
                                "total_assets_yuan",
                                "listing_cultivation",
                                "high_tech",
                                "growth",
                                "exemplary_public_service",
                                "contact_name",
                                "contact_role",
                                "contact_phone",
                                "contact_email"};
  return *kColumns;
}

std::string Cell(const std::map<std::string, int>& columns,
                 const std::vector<std::string>& row, const std::string& name) {
  auto it = columns.find(name);
  if (it == columns.end() || it->second >= static_cast<int>(row.size())) {
    return {};
  }
  return std::string(absl::StripAsciiWhitespace(row[it->second]));
}

absl::StatusOr<int64_t> Number(const std::string& column,
                               const std::string& text) {
  if (text.empty()) return 0;
  int64_t value = 0;
  if (!absl::SimpleAtoi(text, &value)) {
    return absl::InvalidArgumentError(absl::StrCat(
        column, ": \"", text.substr(0, 40), "\" is not a whole number"));
  }
  return value;
}

absl::StatusOr<bool> Flag(const std::string& column, const std::string& text) {
  const std::string t = absl::AsciiStrToLower(text);
  if (t.empty() || t == "0" || t == "false" || t == "no" || t == "否") {
    return false;
  }
  if (t == "1" || t == "true" || t == "yes" || t == "是") return true;
  return absl::InvalidArgumentError(
      absl::StrCat(column, ": \"", text.substr(0, 40), "\" is not yes/no"));
}

}  // namespace

absl::StatusOr<std::map<std::string, int>> ParseHeader(
    const std::vector<std::string>& header) {
  std::map<std::string, int> columns;
  for (size_t i = 0; i < header.size(); ++i) {
    std::string name =
        absl::AsciiStrToLower(absl::StripAsciiWhitespace(header[i]));
    if (name.empty()) continue;
    if (KnownColumns().count(name) == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown column \"", name, "\""));
    }
    if (name == "name") name = "display_name";
    columns[name] = static_cast<int>(i);
  }
  for (const char* required :
       {"uscc", "display_name", "kind", "district_code", "industry_code"}) {
    if (columns.count(required) == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("missing column \"", required, "\""));
    }
  }
  return columns;
}

absl::StatusOr<v1::Organization> RowToOrganization(
    const std::map<std::string, int>& columns,
    const std::vector<std::string>& row) {
  v1::Organization org;
  org.set_uscc(Cell(columns, row, "uscc"));
  org.set_display_name(Cell(columns, row, "display_name"));
  std::string kind = absl::AsciiStrToUpper(Cell(columns, row, "kind"));
  if (kind.rfind("ORGANIZATION_KIND_", 0) != 0) {
    kind = "ORGANIZATION_KIND_" + kind;
  }
  v1::OrganizationKind parsed;
  if (!v1::OrganizationKind_Parse(kind, &parsed) ||
      parsed == v1::ORGANIZATION_KIND_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat("kind: \"", Cell(columns, row, "kind").substr(0, 40),
                     "\" is not ENTERPRISE, PUBLIC_INSTITUTION, "
                     "SOCIAL_ORGANIZATION, GOVERNMENT_AGENCY, "
                     "INDUSTRY_ASSOCIATION, CHAMBER_OF_COMMERCE or OTHER"));
  }
  org.set_kind(parsed);
  org.set_district_code(Cell(columns, row, "district_code"));
  org.set_industry_code(Cell(columns, row, "industry_code"));
  auto employees = Number("employees", Cell(columns, row, "employees"));
  if (!employees.ok()) return employees.status();
  org.set_employees(*employees);
  auto revenue =
      Number("annual_revenue_yuan", Cell(columns, row, "annual_revenue_yuan"));
  if (!revenue.ok()) return revenue.status();
  org.set_annual_revenue_yuan(*revenue);
  auto assets =
      Number("total_assets_yuan", Cell(columns, row, "total_assets_yuan"));
  if (!assets.ok()) return assets.status();
  org.set_total_assets_yuan(*assets);
  for (const char* flag : {"listing_cultivation", "high_tech", "growth",
                           "exemplary_public_service"}) {
    auto value = Flag(flag, Cell(columns, row, flag));
    if (!value.ok()) return value.status();
    auto* flags = org.mutable_flags();
    const std::string f = flag;
    if (f == "listing_cultivation") flags->set_listing_cultivation(*value);
    if (f == "high_tech") flags->set_high_tech(*value);
    if (f == "growth") flags->set_growth(*value);
    if (f == "exemplary_public_service") {
      flags->set_exemplary_public_service(*value);
    }
  }
  const std::string contact = Cell(columns, row, "contact_name");
  if (!contact.empty()) {
    auto* c = org.add_contacts();
    c->set_display_name(contact);
    c->set_role(Cell(columns, row, "contact_role"));
    c->set_phone(Cell(columns, row, "contact_phone"));
    c->set_email(Cell(columns, row, "contact_email"));
  }
  return org;
}

std::string CsvField(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace qpp::qppctl
