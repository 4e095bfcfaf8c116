#include "services/gateway/tests/test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"

namespace qpp::gateway::testing {

HttpClient::~HttpClient() { Close(); }

void HttpClient::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  buffer_.clear();
}

absl::Status HttpClient::Connect() {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    Close();
    return absl::UnavailableError("connect failed");
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return absl::OkStatus();
}

absl::StatusOr<HttpResponse> HttpClient::Send(
    const std::string& method, const std::string& path,
    const std::map<std::string, std::string>& headers,
    const std::string& body) {
  std::string req =
      absl::StrCat(method, " ", path, " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  for (const auto& [k, v] : headers) absl::StrAppend(&req, k, ": ", v, "\r\n");
  if (!body.empty() || method == "POST" || method == "PATCH") {
    absl::StrAppend(&req, "Content-Type: application/json\r\nContent-Length: ",
                    body.size(), "\r\n");
  }
  req.append("\r\n");
  req.append(body);
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (fd_ < 0) {
      if (absl::Status s = Connect(); !s.ok()) return s;
    }
    size_t sent = 0;
    bool failed = false;
    while (sent < req.size()) {
      const ssize_t n =
          ::send(fd_, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) {
        failed = true;
        break;
      }
      sent += n;
    }
    // Read the head.
    HttpResponse r;
    size_t head_end = std::string::npos;
    while (!failed &&
           (head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      char buf[65536];
      const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) {
        failed = true;
        break;
      }
      buffer_.append(buf, n);
    }
    if (failed) {
      const bool fresh = sent == 0;
      Close();
      if (attempt == 0 && !fresh) continue;  // stale keep-alive connection
      if (attempt == 0) continue;
      return absl::UnavailableError("connection closed");
    }
    std::vector<std::string> lines =
        absl::StrSplit(buffer_.substr(0, head_end), "\r\n");
    std::vector<std::string> status_line = absl::StrSplit(lines[0], ' ');
    if (status_line.size() < 2 ||
        !absl::SimpleAtoi(status_line[1], &r.status)) {
      Close();
      return absl::DataLossError("bad status line");
    }
    for (size_t i = 1; i < lines.size(); ++i) {
      const size_t colon = lines[i].find(':');
      if (colon == std::string::npos) continue;
      r.headers[absl::AsciiStrToLower(lines[i].substr(0, colon))] =
          std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
    }
    size_t length = 0;
    if (!absl::SimpleAtoi(r.headers["content-length"], &length)) {
      Close();
      return absl::DataLossError("no Content-Length");
    }
    buffer_.erase(0, head_end + 4);
    while (buffer_.size() < length) {
      char buf[65536];
      const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) {
        Close();
        return absl::UnavailableError("connection closed in the body");
      }
      buffer_.append(buf, n);
    }
    r.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    if (absl::AsciiStrToLower(r.headers["connection"]) == "close") Close();
    return r;
  }
  return absl::UnavailableError("connection failed");
}

grpc::Status GenericUnaryCall(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
    const std::string& request,
    const std::multimap<std::string, std::string>& metadata,
    std::string* response, int timeout_ms) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() +
                   std::chrono::milliseconds(timeout_ms));
  for (const auto& [k, v] : metadata) ctx.AddMetadata(k, v);
  grpc::Slice slice(request);
  grpc::ByteBuffer req(&slice, 1);
  grpc::ByteBuffer resp;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&ctx, method, grpc::StubOptions(), &req, &resp,
                 [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  if (status.ok() && response != nullptr) {
    grpc::Slice out;
    if (resp.DumpToSingleSlice(&out).ok()) {
      response->assign(reinterpret_cast<const char*>(out.begin()), out.size());
    }
  }
  return status;
}

}  // namespace qpp::gateway::testing
