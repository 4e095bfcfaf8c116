#include "services/gateway/src/http_parser.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace qpp::gateway {
namespace {

namespace http = boost::beast::http;
using boost::beast::error_code;

// Bytes of a partial chunk header (size and extensions) held at most.
constexpr size_t kMaxChunkHeaderBytes = 4096;

bool AllDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

}  // namespace

absl::string_view HttpRequest::Header(absl::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (absl::EqualsIgnoreCase(k, name)) return v;
  }
  return {};
}

// Beast's request parser with the checks it leaves to its user.
class RequestParser::Beast final : public http::basic_parser<true> {
 public:
  Beast(RequestParser* owner, const HttpLimits& limits)
      : owner_(owner), limits_(limits) {
    // The scan before already bounds the header; Beast's own limit counts
    // the same bytes.
    header_limit(static_cast<std::uint32_t>(limits.max_header_bytes + 4));
    body_limit(limits.max_body_bytes);
  }

  HttpRequest request;
  bool expect_continue = false;

 private:
  void Reject(int status, std::string message, error_code& ec) {
    owner_->Fail(status, std::move(message));
    ec = http::error::bad_value;
  }

  void on_request_impl(http::verb, boost::beast::string_view method,
                       boost::beast::string_view target, int version,
                       error_code& ec) override {
    request.method.assign(method.data(), method.size());
    request.target.assign(target.data(), target.size());
    request.version = version;
    if (version != 10 && version != 11) {
      return Reject(505, "only HTTP/1.0 and HTTP/1.1 are served", ec);
    }
    if (target.empty() || target[0] != '/') {
      return Reject(400, "the request target must be a path (origin-form)", ec);
    }
  }

  void on_response_impl(int, boost::beast::string_view, int,
                        error_code& ec) override {
    ec = http::error::bad_method;
  }

  void on_field_impl(http::field name, boost::beast::string_view name_text,
                     boost::beast::string_view value_text,
                     error_code& ec) override {
    // Trailer fields of a chunked body could override what was checked and
    // authorised from the header: ignored.
    if (is_header_done()) return;
    const absl::string_view value(value_text.data(), value_text.size());
    if (++fields_ > limits_.max_header_fields) {
      return Reject(431,
                    absl::StrCat("more than ", limits_.max_header_fields,
                                 " header fields"),
                    ec);
    }
    switch (name) {
      case http::field::content_length:
        // Beast accepts repeated equal values and lists ("5, 5").
        if (++content_lengths_ > 1) {
          return Reject(400, "more than one Content-Length", ec);
        }
        if (!AllDigits(value))
          return Reject(400, "malformed Content-Length", ec);
        break;
      case http::field::transfer_encoding:
        if (++transfer_encodings_ > 1 ||
            !absl::EqualsIgnoreCase(value, "chunked")) {
          return Reject(400, "only \"Transfer-Encoding: chunked\" is accepted",
                        ec);
        }
        break;
      case http::field::host:
        if (++hosts_ > 1) return Reject(400, "more than one Host", ec);
        break;
      case http::field::expect:
        expect_.assign(value.data(), value.size());
        break;
      default:
        break;
    }
    request.headers.emplace_back(std::string(name_text),
                                 std::string(value.data(), value.size()));
  }

  void on_header_impl(error_code& ec) override {
    if (request.version == 11 && hosts_ != 1) {
      return Reject(400, "an HTTP/1.1 request needs a Host field", ec);
    }
    if (request.version == 10 && transfer_encodings_ > 0) {
      return Reject(400, "Transfer-Encoding is not defined in HTTP/1.0", ec);
    }
    if (!expect_.empty()) {
      if (!absl::EqualsIgnoreCase(expect_, "100-continue")) {
        return Reject(417, "only \"Expect: 100-continue\" is understood", ec);
      }
      expect_continue = request.version == 11;
    }
  }

  void on_body_init_impl(const boost::optional<std::uint64_t>& length,
                         error_code& ec) override {
    if (length && *length > limits_.max_body_bytes) {
      return Reject(413, BodyTooLarge(), ec);
    }
    if (length) request.body.reserve(static_cast<size_t>(*length));
  }

  std::size_t on_body_impl(boost::beast::string_view body,
                           error_code& ec) override {
    return Append(body, ec);
  }

  void on_chunk_header_impl(std::uint64_t, boost::beast::string_view,
                            error_code&) override {}

  std::size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view body,
                                 error_code& ec) override {
    return Append(body, ec);
  }

  void on_finish_impl(error_code&) override {}

  std::size_t Append(boost::beast::string_view body, error_code& ec) {
    if (request.body.size() + body.size() > limits_.max_body_bytes) {
      Reject(413, BodyTooLarge(), ec);
      return 0;
    }
    request.body.append(body.data(), body.size());
    return body.size();
  }

  std::string BodyTooLarge() const {
    return absl::StrCat("the body exceeds ", limits_.max_body_bytes, " bytes");
  }

  RequestParser* owner_;
  HttpLimits limits_;
  int fields_ = 0;
  int content_lengths_ = 0;
  int transfer_encodings_ = 0;
  int hosts_ = 0;
  std::string expect_;
};

RequestParser::RequestParser(const HttpLimits& limits)
    : limits_(limits), beast_(std::make_unique<Beast>(this, limits)) {}

RequestParser::~RequestParser() = default;

void RequestParser::Fail(int status, std::string message) {
  if (status_ != 0) return;  // the first error counts
  status_ = status;
  message_ = std::move(message);
}

bool RequestParser::done() const { return !failed() && beast_->is_done(); }

bool RequestParser::header_done() const {
  return !failed() && header_complete_ && beast_->is_header_done();
}

bool RequestParser::expects_continue() const {
  return header_done() && beast_->expect_continue && !beast_->is_done();
}

HttpRequest RequestParser::TakeRequest() { return std::move(beast_->request); }

size_t RequestParser::ScanHeader(absl::string_view data) {
  size_t used = 0;
  while (used < data.size() && !header_complete_) {
    const char c = data[used++];
    if (++scanned_ > limits_.max_header_bytes) {
      Fail(431, absl::StrCat("the header exceeds ", limits_.max_header_bytes,
                             " bytes"));
      return used;
    }
    if (prev_cr_) {
      prev_cr_ = false;
      if (c != '\n') {
        Fail(400, "bare CR in the header");
        return used;
      }
      if (line_empty_ && lines_ == 0) continue;  // CRLF before the request
      header_.append("\r\n");
      if (line_empty_) {
        header_complete_ = true;
        break;
      }
      ++lines_;
      line_empty_ = true;
      if (lines_ - 1 > limits_.max_header_fields) {
        Fail(431, absl::StrCat("more than ", limits_.max_header_fields,
                               " header fields"));
        return used;
      }
      continue;
    }
    if (c == '\r') {
      prev_cr_ = true;
      continue;
    }
    if (c == '\n') {
      Fail(400, "bare LF as a line end; lines end with CRLF");
      return used;
    }
    if (line_empty_ && lines_ > 0 && (c == ' ' || c == '\t')) {
      Fail(400, "obsolete line folding (a line starting with whitespace)");
      return used;
    }
    line_empty_ = false;
    header_.push_back(c);
  }
  return used;
}

size_t RequestParser::Feed(absl::string_view data) {
  if (failed() || beast_->is_done()) return 0;
  size_t used = 0;
  if (!header_complete_) {
    used = ScanHeader(data);
    if (failed() || !header_complete_) return used;
    error_code ec;
    const size_t n = beast_->put(boost::asio::buffer(header_), ec);
    if (failed()) return used;
    if (ec == http::error::body_limit) {
      // Content-Length above the limit, found with the header.
      Fail(413,
           absl::StrCat("the body exceeds ", limits_.max_body_bytes, " bytes"));
      return used;
    }
    if (ec == http::error::bad_version) {
      Fail(505, "only HTTP/1.0 and HTTP/1.1 are served");
      return used;
    }
    if (ec || n != header_.size() || !beast_->is_header_done()) {
      Fail(ec == http::error::header_limit ? 431 : 400,
           absl::StrCat("malformed request header: ",
                        ec ? ec.message() : std::string("incomplete")));
      return used;
    }
    beast_->request.keep_alive = beast_->keep_alive();
    std::string().swap(header_);
  }
  while (!beast_->is_done() && used < data.size()) {
    error_code ec;
    const size_t n = beast_->put(
        boost::asio::buffer(data.data() + used, data.size() - used), ec);
    used += n;
    if (failed()) return used;
    if (ec == http::error::need_more) {
      if (data.size() - used > kMaxChunkHeaderBytes) {
        Fail(400, "chunk header too long");
      }
      break;
    }
    if (ec) {
      Fail(ec == http::error::body_limit ? 413 : 400,
           absl::StrCat("malformed request body: ", ec.message()));
      return used;
    }
    if (n == 0) break;
  }
  return used;
}

}  // namespace qpp::gateway
