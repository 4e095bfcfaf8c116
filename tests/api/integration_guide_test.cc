// Runs the examples of docs/integration.md against the local system, so
// that the guide cannot go stale: every ```sh block runs, in order, in one
// bash session (set -euo pipefail) with GW, GW_GRPC, KEY, FUNDING_KEY and
// EVALUATION_KEY set, and must succeed; a block followed by
// `<!-- expect: TEXT -->` lines must print each TEXT.

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "tests/api/api_system.h"

namespace qpp::api_test {
namespace {

struct Example {
  int line = 0;  // of the opening fence
  std::string code;
  std::vector<std::string> expected;
};

std::vector<Example> ExamplesOf(const std::string& markdown) {
  std::vector<Example> out;
  std::vector<std::string> lines = absl::StrSplit(markdown, '\n');
  bool in_block = false;
  bool after_block = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    absl::string_view line = lines[i];
    if (in_block) {
      if (line == "```") {
        in_block = false;
        after_block = true;
      } else {
        absl::StrAppend(&out.back().code, line, "\n");
      }
    } else if (line == "```sh") {
      in_block = true;
      Example example;
      example.line = static_cast<int>(i + 1);
      out.push_back(std::move(example));
    } else if (after_block && absl::ConsumePrefix(&line, "<!-- expect: ") &&
               absl::ConsumeSuffix(&line, " -->")) {
      out.back().expected.emplace_back(line);
    } else if (!line.empty()) {
      after_block = false;
    }
  }
  return out;
}

TEST(IntegrationGuide, EveryExampleRunsAgainstTheLocalSystem) {
  QPP_API_SYSTEM_OR_SKIP(system);
  if (BufPath().empty()) {
    GTEST_FAIL() << "buf is not installed: run deploy/local/install-deps.sh";
  }
  const std::string guide =
      ReadFile(std::string(QPP_SOURCE_DIR) + "/docs/integration.md");
  std::vector<Example> examples = ExamplesOf(guide);
  ASSERT_GE(examples.size(), 10u) << "docs/integration.md lost its examples";

  std::string script;
  for (size_t i = 0; i < examples.size(); ++i) {
    // On a line of its own: curl's output often ends without a newline.
    absl::StrAppend(&script, "printf '\\n@@example ", i, "@@\\n'\n",
                    examples[i].code);
  }
  ShellResult r = system->Shell(script);

  // The output of each example, split at the markers.
  std::vector<std::string> outputs(examples.size());
  int current = -1;
  for (absl::string_view line : absl::StrSplit(r.output, '\n')) {
    if (absl::ConsumePrefix(&line, "@@example ") &&
        absl::ConsumeSuffix(&line, "@@")) {
      current = std::stoi(std::string(line));
      continue;
    }
    if (current >= 0) absl::StrAppend(&outputs[current], line, "\n");
  }
  ASSERT_EQ(r.exit_code, 0)
      << "the example at docs/integration.md:"
      << (current >= 0 ? examples[current].line : 0) << " failed:\n"
      << (current >= 0 ? outputs[current] : r.output);
  for (size_t i = 0; i < examples.size(); ++i) {
    for (const std::string& text : examples[i].expected) {
      EXPECT_TRUE(absl::StrContains(outputs[i], text))
          << "docs/integration.md:" << examples[i].line << " should print "
          << text << ", printed:\n"
          << outputs[i];
    }
  }
}

}  // namespace
}  // namespace qpp::api_test
