#include "services/gateway/src/policy.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/context/metadata.h"
#include "common/status/status.h"
#include "google/protobuf/util/json_util.h"

namespace qpp::gateway {
namespace {

RateLimitConfig Convert(const v1::RateLimit& r) {
  RateLimitConfig c;
  c.requests_per_second = r.requests_per_second();
  c.burst = r.burst() > 0 ? r.burst() : std::max(1.0, r.requests_per_second());
  return c;
}

bool IsSet(const v1::RateLimit& r) { return r.requests_per_second() > 0; }

}  // namespace

bool GlobMatch(absl::string_view pattern, absl::string_view text) {
  // Iterative matcher with backtracking to the last '*': O(n*m) worst case,
  // linear in practice, no recursion.
  size_t p = 0, t = 0, star = absl::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != absl::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

absl::StatusOr<Policy> Policy::FromJson(absl::string_view json) {
  v1::GatewayPolicy proto;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &proto, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("policy: ", status.message().as_string()));
  }
  return FromProto(std::move(proto));
}

absl::StatusOr<Policy> Policy::FromProto(v1::GatewayPolicy proto) {
  std::unordered_map<std::string, const v1::Role*> roles;
  for (const v1::Role& role : proto.roles()) {
    if (role.name().empty())
      return absl::InvalidArgumentError("policy: a role has no name");
    if (!roles.emplace(role.name(), &role).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("policy: duplicate role ", role.name()));
    }
    for (const std::string& a : role.allow()) {
      const size_t slash = a.find('/');
      if (slash == std::string::npos || slash == 0 || slash + 1 == a.size() ||
          a.find('/', slash + 1) != std::string::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat("policy: role ", role.name(), ": pattern \"", a,
                         "\" must read <service>/<method>"));
      }
    }
  }
  Policy policy;
  policy.default_rate_limit_ = Convert(proto.default_rate_limit());
  for (const v1::Principal& p : proto.principals()) {
    if (p.id().empty())
      return absl::InvalidArgumentError("policy: a principal has no id");
    Compiled c;
    if (!p.district().empty() && !IsValidDistrictCode(p.district())) {
      return absl::InvalidArgumentError(
          absl::StrCat("policy: principal ", p.id(), ": district \"",
                       p.district(), "\" must be a six-digit county code"));
    }
    c.attributes.district = p.district();
    c.attributes.roles = absl::StrJoin(p.roles(), ",");
    bool have_limit = false;
    for (const std::string& role_name : p.roles()) {
      auto it = roles.find(role_name);
      if (it == roles.end()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "policy: principal ", p.id(), " has unknown role ", role_name));
      }
      for (const std::string& a : it->second->allow()) {
        const size_t slash = a.find('/');
        c.allow.push_back({a.substr(0, slash), a.substr(slash + 1)});
      }
      if (IsSet(it->second->rate_limit())) {
        RateLimitConfig r = Convert(it->second->rate_limit());
        if (!have_limit ||
            r.requests_per_second > c.rate_limit.requests_per_second) {
          c.rate_limit = r;
          have_limit = true;
        }
      }
    }
    if (IsSet(p.rate_limit())) {
      c.rate_limit = Convert(p.rate_limit());
      have_limit = true;
    }
    if (!have_limit) c.rate_limit = policy.default_rate_limit_;
    if (!policy.principals_.emplace(p.id(), std::move(c)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("policy: duplicate principal ", p.id()));
    }
  }
  return policy;
}

absl::Status Policy::Authorize(absl::string_view principal,
                               absl::string_view service,
                               absl::string_view method) const {
  auto it = principals_.find(std::string(principal));
  if (it != principals_.end()) {
    for (const Pattern& p : it->second.allow) {
      if (GlobMatch(p.service, service) && GlobMatch(p.method, method)) {
        return absl::OkStatus();
      }
    }
  }
  return status::WithReason(
      absl::StatusCode::kPermissionDenied, "METHOD_NOT_ALLOWED",
      absl::StrCat("principal \"", principal, "\" may not call ", service, "/",
                   method));
}

bool Policy::Knows(absl::string_view principal) const {
  return principals_.count(std::string(principal)) > 0;
}

Policy::Attributes Policy::AttributesOf(absl::string_view principal) const {
  auto it = principals_.find(std::string(principal));
  return it == principals_.end() ? Attributes{} : it->second.attributes;
}

RateLimitConfig Policy::RateLimitFor(absl::string_view principal) const {
  auto it = principals_.find(std::string(principal));
  return it == principals_.end() ? default_rate_limit_ : it->second.rate_limit;
}

}  // namespace qpp::gateway
