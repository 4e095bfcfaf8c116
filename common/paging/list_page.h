#pragma once

// The List pattern (AIP-158) in one place: page size (default and maximum)
// -> fingerprint of the filters -> position from the page token -> fetch
// page_size + 1 rows after it -> the page and the token of the next one.
// Every List method of every service goes through ListPage, so page sizes,
// token checks and the "last page" rule are the same everywhere.

#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/paging/page_token.h"
#include "common/status/status.h"

namespace qpp::paging {

// Where a page starts.
struct PageStart {
  // The rows to return, 1..kMaxPageSize.
  int page_size = 0;
  // Fingerprint of the request's filters, carried by its page tokens.
  uint64_t fingerprint = 0;
  // The key of the last row of the previous page; empty for the first page.
  std::string after;
};

// Reads the paging fields of a List request: the effective page size
// (default for 0, capped; INVALID_ARGUMENT "page_size" if negative), the
// fingerprint of every other field (the request with page_size and
// page_token cleared, serialized), and the key carried by page_token
// (INVALID_ARGUMENT "page_token" if malformed or made for other filters).
// `Request` is a message with page_size, page_token and their clear_*.
template <typename Request>
absl::StatusOr<PageStart> StartPage(const Request& request) {
  PageStart start;
  QPP_ASSIGN_OR_RETURN(start.page_size, EffectivePageSize(request.page_size()));
  Request filters = request;
  filters.clear_page_size();
  filters.clear_page_token();
  start.fingerprint = Fingerprint(filters.SerializeAsString());
  QPP_ASSIGN_OR_RETURN(
      start.after, DecodePageToken(request.page_token(), start.fingerprint));
  return start;
}

// One page of rows.
template <typename Row>
struct Page {
  std::vector<Row> rows;
  // Token of the next page; empty only on the last page.
  std::string next_page_token;
};

// The row type that a fetch function returns a vector of.
template <typename Fetch>
using FetchedRow = typename std::invoke_result_t<Fetch&, const std::string&,
                                                 int>::value_type::value_type;

// Lists one page for `request` (see StartPage). `fetch(after, limit)`
// returns absl::StatusOr<std::vector<Row>>: at most `limit` rows following
// the key `after` (all from the first row when empty) in the list's order;
// it parses `after` itself, as the key's layout is the list's own (answer
// INVALID_ARGUMENT "page_token" if it cannot). `key(row)` makes the key a
// following page starts after. Errors of StartPage and of `fetch` are
// returned as they are.
template <typename Request, typename Fetch, typename KeyFn>
absl::StatusOr<Page<FetchedRow<Fetch>>> ListPage(const Request& request,
                                                 Fetch&& fetch, KeyFn&& key) {
  QPP_ASSIGN_OR_RETURN(PageStart start, StartPage(request));
  Page<FetchedRow<Fetch>> page;
  QPP_ASSIGN_OR_RETURN(page.rows, fetch(start.after, start.page_size + 1));
  page.next_page_token = TakePage(page.rows, start.page_size, start.fingerprint,
                                  std::forward<KeyFn>(key));
  return page;
}

}  // namespace qpp::paging
