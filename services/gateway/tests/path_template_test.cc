#include "services/gateway/src/path_template.h"

#include "gtest/gtest.h"

namespace qpp::gateway {
namespace {

std::vector<PathBinding> MustMatch(const std::string& tmpl,
                                   const std::string& path) {
  auto t = PathTemplate::Parse(tmpl);
  EXPECT_TRUE(t.ok()) << t.status();
  std::vector<PathBinding> b;
  EXPECT_TRUE(t->Match(path, &b)) << tmpl << " vs " << path;
  return b;
}

bool Matches(const std::string& tmpl, const std::string& path) {
  auto t = PathTemplate::Parse(tmpl);
  EXPECT_TRUE(t.ok()) << t.status();
  std::vector<PathBinding> b;
  return t->Match(path, &b);
}

TEST(PathTemplate, LiteralMatchesOnlyItself) {
  EXPECT_TRUE(Matches("/v1/organizations", "/v1/organizations"));
  EXPECT_FALSE(Matches("/v1/organizations", "/v1/organizations/x"));
  EXPECT_FALSE(Matches("/v1/organizations", "/v1/organization"));
  EXPECT_FALSE(Matches("/v1/organizations", "/v1/organizations:batchCreate"));
}

TEST(PathTemplate, VariableWithPatternBindsTheWholeName) {
  auto b = MustMatch("/v1/{name=organizations/*}",
                     "/v1/organizations/91440300MA5F00001X");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].field_path, "name");
  EXPECT_EQ(b[0].value, "organizations/91440300MA5F00001X");
  EXPECT_FALSE(Matches("/v1/{name=organizations/*}", "/v1/partnerships/x"));
  EXPECT_FALSE(Matches("/v1/{name=organizations/*}", "/v1/organizations/"));
  EXPECT_FALSE(Matches("/v1/{name=organizations/*}", "/v1/organizations/a/b"));
}

TEST(PathTemplate, NestedFieldPathVariable) {
  auto b = MustMatch("/v1/{organization.name=organizations/*}",
                     "/v1/organizations/X1");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].field_path, "organization.name");
  EXPECT_EQ(b[0].value, "organizations/X1");
}

TEST(PathTemplate, SimpleVariableIsOneSegment) {
  auto b = MustMatch("/v1/progress/{year}", "/v1/progress/2015");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].field_path, "year");
  EXPECT_EQ(b[0].value, "2015");
  EXPECT_FALSE(Matches("/v1/progress/{year}", "/v1/progress/2015/x"));
}

TEST(PathTemplate, VerbIsMatchedAndStripped) {
  auto b = MustMatch("/v1/{name=organizations/*}:undelete",
                     "/v1/organizations/X1:undelete");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].value, "organizations/X1");
  EXPECT_FALSE(Matches("/v1/{name=organizations/*}:undelete",
                       "/v1/organizations/X1:delete"));
  EXPECT_FALSE(
      Matches("/v1/{name=organizations/*}:undelete", "/v1/organizations/X1"));
  EXPECT_TRUE(Matches("/v1/organizations:batchCreate",
                      "/v1/organizations:batchCreate"));
}

TEST(PathTemplate, ACustomVerbMatchesOnlyATemplateThatDeclaresIt) {
  // The plain Get binding of a collection does not take a custom method's
  // path, so that GET ...:compare can be routed to the method it names.
  EXPECT_FALSE(
      Matches("/v1/{name=surveyRounds/*}", "/v1/surveyRounds/5:compare"));
  EXPECT_FALSE(Matches("/v1/progress/{year}", "/v1/progress/2015:x"));
  EXPECT_FALSE(Matches("/v1/{name=files/**}", "/v1/files/a/b:cancel"));
  EXPECT_FALSE(Matches("/v1/{name=surveyRounds/*}", "/v1/surveyRounds/5:"));
  auto b = MustMatch("/v1/{name=surveyRounds/*}:compare",
                     "/v1/surveyRounds/5:compare");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].value, "surveyRounds/5");
  auto files = MustMatch("/v1/{name=files/**}:cancel", "/v1/files/a/b:cancel");
  EXPECT_EQ(files[0].value, "files/a/b");
  // The verb is the whole rest of the last segment.
  EXPECT_FALSE(Matches("/v1/{name=surveyRounds/*}:compare",
                       "/v1/surveyRounds/5:compare:x"));
  EXPECT_FALSE(Matches("/v1/{name=surveyRounds/*}:compare",
                       "/v1/surveyRounds/5:x:compare"));
  // A ':' in an earlier segment is not a verb.
  EXPECT_TRUE(Matches("/v1/{name=a/*/b/*}", "/v1/a/x:y/b/1"));
}

TEST(PathTemplate, AnEncodedColonBelongsToTheVariable) {
  auto b =
      MustMatch("/v1/{name=surveyRounds/*}", "/v1/surveyRounds/5%3Acompare");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].value, "surveyRounds/5:compare");
  auto verb = MustMatch("/v1/{name=surveyRounds/*}:compare",
                        "/v1/surveyRounds/a%3Ab:compare");
  EXPECT_EQ(verb[0].value, "surveyRounds/a:b");
}

TEST(PathTemplate, MultipleVariablesAndDeepNames) {
  auto b = MustMatch("/v1/{name=organizations/*/awards/*}",
                     "/v1/organizations/X1/awards/7");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].value, "organizations/X1/awards/7");
  auto t = PathTemplate::Parse("/v1/{a}/x/{b.c}");
  ASSERT_TRUE(t.ok());
  std::vector<PathBinding> two;
  ASSERT_TRUE(t->Match("/v1/1/x/2", &two));
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[1].field_path, "b.c");
  EXPECT_EQ(two[1].value, "2");
}

TEST(PathTemplate, DoubleStarTakesTheRest) {
  auto b = MustMatch("/v1/{name=files/**}", "/v1/files/a/b/c");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].value, "files/a/b/c");
}

TEST(PathTemplate, PercentEscapesAreDecodedButCannotAddSegments) {
  auto b = MustMatch("/v1/{name=organizations/*}", "/v1/organizations/A%20B");
  EXPECT_EQ(b[0].value, "organizations/A B");
  EXPECT_FALSE(
      Matches("/v1/{name=organizations/*}", "/v1/organizations/a%2Fb"));
  EXPECT_FALSE(
      Matches("/v1/{name=organizations/*}", "/v1/organizations/bad%zz"));
}

TEST(PathTemplate, MalformedTemplatesAreRejected) {
  for (const char* bad : {"", "v1/x", "/v1/{name", "/v1/name}", "/v1/{1x}",
                          "/v1/**/x", "/v1//x", "/v1/{name=}", "/v1/x:"}) {
    EXPECT_FALSE(PathTemplate::Parse(bad).ok()) << bad;
  }
}

TEST(PathTemplate, LiteralCountOrdersSpecificity) {
  EXPECT_GT(
      PathTemplate::Parse("/v1/organizations/x")->literal_count(),
      PathTemplate::Parse("/v1/{name=organizations/*}")->literal_count() - 1);
}

}  // namespace
}  // namespace qpp::gateway
