// The strict HTTP/1.1 parser on raw bytes: what it accepts, and each class
// of framing ambiguity it refuses (request smuggling, RFC 9112).
#include "services/gateway/src/http_parser.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace qpp::gateway {
namespace {

HttpLimits SmallLimits() {
  HttpLimits l;
  l.max_header_bytes = 1024;
  l.max_header_fields = 10;
  l.max_body_bytes = 64;
  return l;
}

// Feeds `bytes` at once; returns the parser's status (0 when done).
struct Parsed {
  int status = -1;  // -1: needs more
  size_t used = 0;
  std::string message;
  HttpRequest request;
};

Parsed Parse(const std::string& bytes, HttpLimits limits = SmallLimits()) {
  RequestParser p(limits);
  Parsed out;
  out.used = p.Feed(bytes);
  if (p.failed()) {
    out.status = p.error_status();
    out.message = p.error_message();
  } else if (p.done()) {
    out.status = 0;
    out.request = p.TakeRequest();
  }
  return out;
}

TEST(HttpParser, ParsesAGetWithHeadersAndStopsAtItsEnd) {
  const std::string first =
      "GET /v1/organizations?pageSize=1 HTTP/1.1\r\nHost: x\r\n"
      "X-Api-Key: k.s\r\n\r\n";
  Parsed p = Parse(first + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(p.status, 0) << p.message;
  EXPECT_EQ(p.used, first.size());  // the pipelined request stays unread
  EXPECT_EQ(p.request.method, "GET");
  EXPECT_EQ(p.request.target, "/v1/organizations?pageSize=1");
  EXPECT_EQ(p.request.version, 11);
  EXPECT_TRUE(p.request.keep_alive);
  EXPECT_EQ(p.request.Header("x-api-key"), "k.s");
  EXPECT_EQ(p.request.Header("nope"), "");
}

TEST(HttpParser, ParsesByteByByte) {
  const std::string bytes =
      "\r\nPOST /v1/organizations HTTP/1.1\r\nHost: x\r\n"
      "Content-Length: 5\r\n\r\nhello";
  RequestParser p(SmallLimits());
  std::string pending;
  for (char c : bytes) {
    pending.push_back(c);
    pending.erase(0, p.Feed(pending));
    ASSERT_FALSE(p.failed()) << p.error_message();
  }
  ASSERT_TRUE(p.done());
  EXPECT_TRUE(pending.empty());
  EXPECT_EQ(p.TakeRequest().body, "hello");
}

TEST(HttpParser, DecodesChunkedBodiesAndIgnoresTrailers) {
  Parsed p = Parse(
      "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Api-Key: smuggled\r\n\r\n");
  ASSERT_EQ(p.status, 0) << p.message;
  EXPECT_EQ(p.request.body, "abcde");
  EXPECT_EQ(p.request.Header("X-Api-Key"), "");
}

TEST(HttpParser, Http10ClosesUnlessAskedAndNeedsNoHost) {
  Parsed p = Parse("GET /healthz HTTP/1.0\r\n\r\n");
  ASSERT_EQ(p.status, 0) << p.message;
  EXPECT_FALSE(p.request.keep_alive);
  p = Parse("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  ASSERT_EQ(p.status, 0);
  EXPECT_TRUE(p.request.keep_alive);
  p = Parse("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(p.status, 0);
  EXPECT_FALSE(p.request.keep_alive);
}

TEST(HttpParser, RefusesEveryFramingAmbiguity) {
  const std::string get = "GET / HTTP/1.1\r\nHost: x\r\n";
  const std::string post = "POST / HTTP/1.1\r\nHost: x\r\n";
  struct Case {
    std::string name, bytes;
    int status;
  };
  const Case cases[] = {
      {"CL then TE",
       post + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      {"TE then CL",
       post + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400},
      {"two different CL",
       post + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400},
      {"two equal CL", post + "Content-Length: 3\r\nContent-Length: 3\r\n\r\n",
       400},
      {"CL list", post + "Content-Length: 3, 3\r\n\r\nabc", 400},
      {"CL plus", post + "Content-Length: +2\r\n\r\nab", 400},
      {"CL minus", post + "Content-Length: -1\r\n\r\n", 400},
      {"CL inner space", post + "Content-Length: 1 2\r\n\r\n", 400},
      {"CL letters", post + "Content-Length: 0x10\r\n\r\n", 400},
      {"CL empty", post + "Content-Length:\r\n\r\n", 400},
      {"space before colon", post + "Transfer-Encoding : chunked\r\n\r\n", 400},
      {"tab before colon", post + "Content-Length\t: 3\r\n\r\nabc", 400},
      {"TE gzip", post + "Transfer-Encoding: gzip\r\n\r\n", 400},
      {"TE gzip, chunked", post + "Transfer-Encoding: gzip, chunked\r\n\r\n",
       400},
      {"TE twice",
       post +
           "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
       400},
      {"TE identity", post + "Transfer-Encoding: identity\r\n\r\n", 400},
      {"TE in HTTP/1.0",
       "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {"obsolete folding", get + "X-A: 1\r\n 2\r\n\r\n", 400},
      {"folding with tab", get + "X-A: 1\r\n\t2\r\n\r\n", 400},
      {"space before first field", "GET / HTTP/1.1\r\n Host: x\r\n\r\n", 400},
      {"bare LF in request line", "GET / HTTP/1.1\nHost: x\r\n\r\n", 400},
      {"bare LF header end", "GET / HTTP/1.1\r\nHost: x\n\n", 400},
      {"bare CR", "GET / HTTP/1.1\r\nHost: x\rX-A: 1\r\n\r\n", 400},
      {"no Host", "GET / HTTP/1.1\r\nX-A: 1\r\n\r\n", 400},
      {"two Hosts", get + "Host: y\r\n\r\n", 400},
      {"NUL in a value", get + std::string("X-A: a\0b\r\n\r\n", 13), 400},
      {"absolute-form target", "GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n",
       400},
      {"asterisk target", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 400},
      {"HTTP/2.0", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505},
      {"HTTP/1.2", "GET / HTTP/1.2\r\nHost: x\r\n\r\n", 505},
      {"binary request line", "\x16\x03\x01\x02\x01\xfc\r\n\r\n", 400},
      {"bad chunk size", post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n",
       400},
      {"Expect other", post + "Expect: 200-ok\r\nContent-Length: 1\r\n\r\n",
       417},
  };
  for (const Case& c : cases) {
    Parsed p = Parse(c.bytes);
    EXPECT_EQ(p.status, c.status) << c.name << ": " << p.message;
  }
}

TEST(HttpParser, BoundsHeaderFieldsHeaderBytesAndBody) {
  std::string many = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 10; ++i) absl::StrAppend(&many, "X-", i, ": v\r\n");
  // 11 fields against a limit of 10: refused, not truncated.
  EXPECT_EQ(Parse(many + "\r\n").status, 431);
  // Refused as soon as the 11th line ends, without waiting for the rest.
  EXPECT_EQ(Parse(many).status, 431);

  const std::string big(2000, 'a');
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + big).status, 431);
  EXPECT_EQ(Parse("GET /" + big + " HTTP/1.1\r\n").status, 431);

  const std::string post = "POST / HTTP/1.1\r\nHost: x\r\n";
  EXPECT_EQ(Parse(post + "Content-Length: 65\r\n\r\n").status, 413);
  EXPECT_EQ(
      Parse(post + "Content-Length: 64\r\n\r\n" + std::string(64, 'b')).status,
      0);
  EXPECT_EQ(Parse(post + "Transfer-Encoding: chunked\r\n\r\n40\r\n" +
                  std::string(64, 'c') + "\r\n1\r\nd\r\n0\r\n\r\n")
                .status,
            413);
}

TEST(HttpParser, Asks100ContinueOnlyWhileTheBodyIsMissing) {
  RequestParser p(SmallLimits());
  const std::string head =
      "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
      "Content-Length: 2\r\n\r\n";
  EXPECT_EQ(p.Feed(head), head.size());
  EXPECT_TRUE(p.header_done());
  EXPECT_TRUE(p.expects_continue());
  EXPECT_EQ(p.Feed("ok"), 2u);
  EXPECT_TRUE(p.done());
  EXPECT_FALSE(p.expects_continue());
}

TEST(HttpParser, TakesNothingMoreAfterAnError) {
  RequestParser p(SmallLimits());
  const std::string bytes =
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n";
  p.Feed(bytes);
  ASSERT_TRUE(p.failed());
  EXPECT_EQ(p.Feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 0u);
  EXPECT_FALSE(p.done());
}

}  // namespace
}  // namespace qpp::gateway
