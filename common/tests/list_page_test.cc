#include "common/paging/list_page.h"

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace qpp::paging {
namespace {

// The paging fields of a List request and one filter, as a generated
// message has them.
struct FakeListRequest {
  int page_size_ = 0;
  std::string page_token_;
  std::string filter_;

  int page_size() const { return page_size_; }
  const std::string& page_token() const { return page_token_; }
  void clear_page_size() { page_size_ = 0; }
  void clear_page_token() { page_token_.clear(); }
  std::string SerializeAsString() const {
    return absl::StrCat(page_size_, "|", page_token_, "|", filter_);
  }
};

// Rows 1..n; the key is the number.
absl::StatusOr<std::vector<int>> Fetch(int n, const std::string& after,
                                       int limit) {
  int start = 0;
  if (!after.empty() && !absl::SimpleAtoi(after, &start)) {
    return absl::InvalidArgumentError("bad key");
  }
  std::vector<int> rows;
  for (int i = start + 1; i <= n && static_cast<int>(rows.size()) < limit;
       ++i) {
    rows.push_back(i);
  }
  return rows;
}

absl::StatusOr<Page<int>> List(const FakeListRequest& req, int n) {
  return ListPage(
      req,
      [n](const std::string& after, int limit) {
        return Fetch(n, after, limit);
      },
      [](int row) { return absl::StrCat(row); });
}

TEST(ListPageTest, WalksEveryRowOnceThenEndsWithAnEmptyToken) {
  FakeListRequest req;
  req.page_size_ = 2;
  req.filter_ = "district=440305";
  std::vector<int> seen;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = List(req, 5);
    ASSERT_TRUE(page.ok()) << page.status();
    seen.insert(seen.end(), page->rows.begin(), page->rows.end());
    if (page->next_page_token.empty()) break;
    req.page_token_ = page->next_page_token;
  }
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3, 4, 5}));
}

TEST(ListPageTest, AnExactlyFullLastPageHasNoToken) {
  FakeListRequest req;
  req.page_size_ = 4;
  auto page = List(req, 4);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->rows.size(), 4u);
  EXPECT_TRUE(page->next_page_token.empty());
}

TEST(ListPageTest, DefaultsCapsAndRejectsPageSizes) {
  FakeListRequest req;
  EXPECT_EQ(List(req, 500)->rows.size(), static_cast<size_t>(kDefaultPageSize));
  req.page_size_ = kMaxPageSize + 1;
  EXPECT_EQ(List(req, 5000)->rows.size(), static_cast<size_t>(kMaxPageSize));
  req.page_size_ = -1;
  EXPECT_EQ(List(req, 5).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ListPageTest, ATokenOnlyServesTheFiltersItWasMadeFor) {
  FakeListRequest req;
  req.page_size_ = 1;
  req.filter_ = "a";
  auto first = List(req, 3);
  ASSERT_FALSE(first->next_page_token.empty());
  req.page_token_ = first->next_page_token;
  req.page_size_ = 2;  // another page size keeps the token valid
  EXPECT_TRUE(List(req, 3).ok());
  req.filter_ = "b";
  const auto other = List(req, 3);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status::FieldViolationsOf(other.status())[0].field, "page_token");
}

TEST(ListPageTest, StartPageReadsTheKey) {
  FakeListRequest req;
  req.filter_ = "x";
  auto start = StartPage(req);
  ASSERT_TRUE(start.ok());
  EXPECT_EQ(start->page_size, kDefaultPageSize);
  EXPECT_TRUE(start->after.empty());
  req.page_token_ = EncodePageToken("17", start->fingerprint);
  EXPECT_EQ(StartPage(req)->after, "17");
}

}  // namespace
}  // namespace qpp::paging
