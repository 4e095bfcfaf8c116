#pragma once

// Reference data and organisations for the registry's unit tests, built in
// memory: a slice of what migrations/0001_init.sql seeds.

#include <cstdint>
#include <string>

#include "absl/time/civil_time.h"
#include "qpp/registry/v1/resources.pb.h"
#include "services/registry/src/reference_data.h"

namespace qpp::registry::test_data {

namespace v1 = ::qpp::registry::v1;

inline constexpr int64_t kWan = 10000;  // 万 yuan
inline constexpr absl::CivilDay kToday(2026, 11, 23);

// Districts 440305 and 440303; sections C, F, I, K, Q; SME rules for 39,
// 52, 65, 701, 702 and the fallback (2011), and a 2030 rule set for 39; one
// score sheet "TEST-SHEET" of four items in categories 4.1 and 4.7.
ReferenceData TestReference();

// An enterprise (USCC 914403001922038216, district 440305) in `industry`.
v1::Organization Enterprise(const std::string& industry, int64_t employees,
                            int64_t revenue, int64_t assets = 0);

}  // namespace qpp::registry::test_data
