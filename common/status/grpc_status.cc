#include "common/status/grpc_status.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "common/status/status.h"
#include "google/protobuf/any.pb.h"
#include "google/rpc/status.pb.h"

namespace qpp::status {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.raw_code());
  const std::string message(status.message());
  google::rpc::Status rpc_status;
  rpc_status.set_code(status.raw_code());
  rpc_status.set_message(message);
  status.ForEachPayload(
      [&](absl::string_view type_url, const absl::Cord& value) {
        if (!absl::StartsWith(type_url, kTypeUrlPrefix)) return;
        google::protobuf::Any* any = rpc_status.add_details();
        any->set_type_url(std::string(type_url));
        any->set_value(std::string(value));
      });
  if (rpc_status.details().empty()) return grpc::Status(code, message);
  return grpc::Status(code, message, rpc_status.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()),
                   status.error_message());
  google::rpc::Status rpc_status;
  if (!status.error_details().empty() &&
      rpc_status.ParseFromString(status.error_details())) {
    for (const auto& any : rpc_status.details()) {
      out.SetPayload(any.type_url(), absl::Cord(any.value()));
    }
  }
  return out;
}

}  // namespace qpp::status
