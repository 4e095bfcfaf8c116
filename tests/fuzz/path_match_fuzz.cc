// Path templates (google.api.http grammar) parsed from arbitrary text and
// matched against arbitrary paths; a fixed set of the API's templates
// matched against the input as a path.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "absl/strings/string_view.h"
#include "services/gateway/src/path_template.h"

namespace {

const std::vector<qpp::gateway::PathTemplate>& ApiTemplates() {
  static const auto* templates = [] {
    auto* out = new std::vector<qpp::gateway::PathTemplate>();
    for (const char* t :
         {"/v1/{name=organizations/*}", "/v1/organizations",
          "/v1/{parent=organizations/*}/awards",
          "/v1/{organization.name=organizations/*}",
          "/v1/{name=organizations/*/assessments/*}:withdraw", "/v1/{name=**}",
          "/v1/organizations:batchGet", "/v1/progress/{year}"}) {
      auto parsed = qpp::gateway::PathTemplate::Parse(t);
      if (!parsed.ok()) std::abort();
      out->push_back(*std::move(parsed));
    }
    return out;
  }();
  return *templates;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<qpp::gateway::PathBinding> bindings;
  for (const auto& t : ApiTemplates()) {
    bindings.clear();
    if (t.Match(in, &bindings)) {
      if (bindings.size() != t.variable_paths().size()) std::abort();
    }
  }
  // "<template>\n<path>": a template of the input's own.
  const size_t nl = in.find('\n');
  if (nl != absl::string_view::npos) {
    auto parsed = qpp::gateway::PathTemplate::Parse(in.substr(0, nl));
    if (parsed.ok()) {
      bindings.clear();
      (void)parsed->Match(in.substr(nl + 1), &bindings);
    }
  }
  std::string decoded;
  if (qpp::gateway::PercentDecode(in, &decoded) && decoded.size() > in.size()) {
    std::abort();
  }
  return 0;
}
