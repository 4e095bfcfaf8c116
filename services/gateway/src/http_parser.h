#pragma once

// A strict HTTP/1.1 request parser for a public listener (RFC 9112). Every
// ambiguity that lets a proxy in front and the gateway disagree on where a
// request ends (request smuggling) is an error, never a guess:
//  - Content-Length together with Transfer-Encoding, more than one
//    Content-Length, or one that is not plain digits ("+2", "1 2", "5,5");
//  - a Transfer-Encoding other than exactly "chunked", or one in HTTP/1.0;
//  - whitespace between a field name and its colon, obsolete line folding,
//    a bare LF or bare CR as a line end;
//  - HTTP/1.1 without exactly one Host field;
//  - more header fields or bytes than the limits (431, not dropped), a body
//    above its limit (413), an Expect other than 100-continue (417), a
//    version other than 1.0 and 1.1 (505).
// After any error the connection must be closed: the bytes that follow are
// never parsed as another request.
//
// Boost.Beast's basic_parser parses the request line, the fields and chunked
// bodies; this class scans the raw header first for what Beast tolerates
// (obsolete line folding, which it joins; the field count) and adds the
// checks above in Beast's callbacks. Trailer fields of chunked bodies are
// ignored. Beast stays inside http_parser.cc.

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace qpp::gateway {

// Bounds of one request.
struct HttpLimits {
  // Request line plus header fields, CRLFs included.
  size_t max_header_bytes = 16 * 1024;
  int max_header_fields = 100;
  // Decoded body (after chunked decoding).
  size_t max_body_bytes = 1024 * 1024;
};

// A parsed request.
struct HttpRequest {
  std::string method;  // as sent, e.g. "GET"
  std::string target;  // origin-form, still percent-encoded: "/v1/x?y=1"
  int version = 11;    // 10 or 11
  // Header fields in the order received, names as sent.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Whether the connection may carry another request afterwards.
  bool keep_alive = true;
  // The client, "10.1.2.3:5555" or "[2001:db8::1]:5555"; set by the server.
  std::string peer;

  // The value of the first field named `name` (case-insensitive), or "".
  absl::string_view Header(absl::string_view name) const;
};

// Parses one request from the bytes a connection receives. Not thread-safe;
// one per request.
class RequestParser final {
 public:
  explicit RequestParser(const HttpLimits& limits);
  ~RequestParser();
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  // Consumes a prefix of `data` (the connection's received bytes not yet
  // consumed) and returns its length. It stops at the end of the request,
  // at an error, or when it needs more bytes than `data` holds; the caller
  // keeps the rest and calls again with more appended.
  size_t Feed(absl::string_view data);

  // The request is complete (TakeRequest may be called).
  bool done() const;
  // The header is complete (the body may still be arriving).
  bool header_done() const;
  // The request is malformed: answer error_status() and close.
  bool failed() const { return status_ != 0; }
  // 400, 413, 417, 431 or 505 when failed(), else 0.
  int error_status() const { return status_; }
  // Why, for the client.
  const std::string& error_message() const { return message_; }
  // The client sent "Expect: 100-continue" and the body is still to come:
  // answer "100 Continue" before reading it.
  bool expects_continue() const;

  // The complete request; call once, when done().
  HttpRequest TakeRequest();

 private:
  class Beast;
  friend class Beast;
  void Fail(int status, std::string message);
  size_t ScanHeader(absl::string_view data);

  HttpLimits limits_;
  std::unique_ptr<Beast> beast_;
  int status_ = 0;
  std::string message_;
  // The raw header, collected until its blank line, then given to Beast.
  std::string header_;
  size_t scanned_ = 0;
  int lines_ = 0;
  bool prev_cr_ = false;
  bool line_empty_ = true;
  bool header_complete_ = false;
};

}  // namespace qpp::gateway
