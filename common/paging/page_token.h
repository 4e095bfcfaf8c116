#pragma once

// Opaque page tokens for keyset pagination. A token carries the last key of
// the page and a fingerprint of the query's filters, so a token cannot be
// reused with other filters (INVALID_ARGUMENT) and clients cannot depend on
// its layout.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qpp::paging {

// Default and maximum page sizes shared by every List method.
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;

// The page size to use: default for 0, capped at the maximum.
// INVALID_ARGUMENT (field "page_size") for negative values.
absl::StatusOr<int> EffectivePageSize(int requested);

// A fingerprint of the filter fields, e.g. over a request with its paging
// fields cleared, serialized deterministically.
uint64_t Fingerprint(absl::string_view filters);

// Encodes the position after `last_key` for queries with `fingerprint`.
std::string EncodePageToken(absl::string_view last_key, uint64_t fingerprint);

// The last key of the previous page, or empty for an empty token.
// INVALID_ARGUMENT (field "page_token") if malformed or from other filters.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            uint64_t fingerprint);

// The numeric row id a decoded page token carries (see DecodePageToken): 0
// for the first page. INVALID_ARGUMENT (field "page_token") if it is not a
// non-negative number, which a token of the same list never is.
absl::StatusOr<int64_t> AfterId(absl::string_view after);

// Keyset paging in one step: `rows` were fetched with a limit of
// page_size + 1. If the extra row came, it is dropped and the token of the
// next page is made from `key(last row kept)`; otherwise the token is empty
// (the last page).
template <typename Row, typename KeyFn>
std::string TakePage(std::vector<Row>& rows, int page_size,
                     uint64_t fingerprint, KeyFn&& key) {
  if (static_cast<int>(rows.size()) <= page_size) return std::string();
  rows.resize(page_size);
  return EncodePageToken(key(rows.back()), fingerprint);
}

}  // namespace qpp::paging
