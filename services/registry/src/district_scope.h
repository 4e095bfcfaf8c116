#pragma once

// Which organisations a caller may act for. A district office (a principal
// whose district the gateway passes on, see Principal::district_code) reads
// and writes only the organisations registered in its district; every other
// principal acts city-wide (the gateway's policy decides which methods it
// may call at all). Pure rules: no gRPC, no SQL.
//
// What is confined, and how (docs/architecture.md, "District offices"):
//  - an organisation, and every record keyed by one (awards, benchmarks,
//    self-assessments): PERMISSION_DENIED (OUTSIDE_DISTRICT) for another
//    district's, naming only the caller's district;
//  - lists of organisations and of their records: limited to the district
//    without the caller asking; a filter naming another district is
//    PERMISSION_DENIED (OUTSIDE_DISTRICT), not an empty page, so that a
//    mistaken filter is not read as "none there";
//  - the key-enterprise flag and what the programme office alone does
//    (archiving, awards, benchmarks, partnerships, bulk import):
//    PERMISSION_DENIED (PROGRAMME_OFFICE_ONLY).
// Partnerships (city-wide programme partners) and the target counts
// (aggregates, with a per-district breakdown) stay readable city-wide.

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/context/request_context.h"
#include "qpp/registry/v1/resources.pb.h"

namespace qpp::registry {

// The role of district offices in the gateway's policy.
inline constexpr absl::string_view kDistrictOfficeRole = "district_office";

class DistrictScope final {
 public:
  // Every organisation of the city.
  static DistrictScope CityWide() { return DistrictScope(false, ""); }
  // The scope of `principal`: its district when it has one; none at all
  // for a district office without a district (fail closed: a policy entry
  // that forgot it must not open the whole city); city-wide otherwise.
  static DistrictScope Of(const Principal& principal);

  bool city_wide() const { return !confined_; }
  // The district acted for; empty when city-wide (or confined to none).
  const std::string& district() const { return district_; }

  // OK if the scope covers organisations of `district_code`; otherwise
  // PERMISSION_DENIED (OUTSIDE_DISTRICT) saying that `name` (the resource
  // asked for) is outside the caller's district and which district that
  // is. Never tells the organisation's own district.
  absl::Status CheckDistrict(absl::string_view district_code,
                             absl::string_view name) const;
  // CheckDistrict of the organisation's district, named by its resource
  // name.
  absl::Status CheckOrganization(const v1::Organization& org) const;

  // The district filter of a list: `requested` (field `field`) when
  // city-wide; the caller's district when confined and `requested` is empty
  // or the same; PERMISSION_DENIED (OUTSIDE_DISTRICT) for another district.
  absl::StatusOr<std::string> ListDistrict(absl::string_view requested,
                                           absl::string_view field) const;

  // OK when city-wide; PERMISSION_DENIED (PROGRAMME_OFFICE_ONLY) saying
  // that only the programme office may do `what` otherwise.
  absl::Status RequireCityWide(absl::string_view what) const;

  // Whether a confined caller may make `after` out of `before` (nullptr for
  // a new organisation): `after` lies in its district (OUTSIDE_DISTRICT)
  // and the key-enterprise flag is unchanged (PROGRAMME_OFFICE_ONLY); a new
  // organisation is not a key enterprise. Always OK when city-wide.
  absl::Status CheckWrite(const v1::Organization* before,
                          const v1::Organization& after) const;

 private:
  DistrictScope(bool confined, std::string district)
      : confined_(confined), district_(std::move(district)) {}

  bool confined_;
  std::string district_;
};

}  // namespace qpp::registry
