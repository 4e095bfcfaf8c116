#pragma once

// Checks of an HTTP request target before routing. Routes are matched on
// the raw, still percent-encoded path split at '/' (PathTemplate), and each
// variable segment is decoded exactly once after matching, so an encoded
// '/' never splits a segment and "%2541" reaches the service as "%41".
// What would let the URL name one call and run another is refused first:
// NUL bytes (which cut strings further down), malformed escapes, bytes that
// should have been escaped, invalid UTF-8 after decoding, and dot segments
// (which a proxy in front may resolve differently).

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace qpp::gateway {

// Checks the path of a request target (without the query). OK, or
// INVALID_ARGUMENT naming the problem: a path not starting with '/', a byte
// outside visible ASCII, a malformed escape, an escaped NUL (%00), a
// segment that decodes to invalid UTF-8, or a "." or ".." segment (encoded
// or not).
absl::Status CheckRequestPath(absl::string_view path);

// Checks a query string (without '?'): each name and value decoded once
// ('+' as space) must be valid UTF-8 without NUL, and escapes well formed.
// OK, or INVALID_ARGUMENT.
absl::Status CheckQuery(absl::string_view query);

}  // namespace qpp::gateway
