#include "common/paging/page_token.h"

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/status.h"

namespace qpp::paging {
namespace {
constexpr absl::string_view kPrefix = "p1.";
}

absl::StatusOr<int> EffectivePageSize(int requested) {
  if (requested < 0) {
    return status::InvalidField("page_size", "must not be negative");
  }
  if (requested == 0) return kDefaultPageSize;
  return requested > kMaxPageSize ? kMaxPageSize : requested;
}

uint64_t Fingerprint(absl::string_view filters) {
  // FNV-1a: stable across processes and versions, unlike std::hash.
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : filters) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string EncodePageToken(absl::string_view last_key, uint64_t fingerprint) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(kPrefix, absl::Hex(fingerprint), ".", last_key));
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            uint64_t fingerprint) {
  if (token.empty()) return std::string();
  std::string raw;
  const auto bad = [] {
    return status::InvalidField(
        "page_token",
        "is not a token returned for this query; start again without it");
  };
  if (token.size() > 2048 || !absl::WebSafeBase64Unescape(token, &raw) ||
      raw.substr(0, kPrefix.size()) != kPrefix) {
    return bad();
  }
  raw.erase(0, kPrefix.size());
  const size_t dot = raw.find('.');
  uint64_t fp = 0;
  if (dot == std::string::npos ||
      !absl::SimpleHexAtoi(absl::string_view(raw).substr(0, dot), &fp) ||
      fp != fingerprint) {
    return bad();
  }
  return raw.substr(dot + 1);
}

absl::StatusOr<int64_t> AfterId(absl::string_view after) {
  if (after.empty()) return 0;
  int64_t id = 0;
  if (!absl::SimpleAtoi(after, &id) || id < 0) {
    return status::InvalidField("page_token", "is not a token of this list");
  }
  return id;
}

}  // namespace qpp::paging
