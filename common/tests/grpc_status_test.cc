#include "common/status/grpc_status.h"

#include "common/status/status.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace qpp::status {
namespace {

TEST(GrpcStatusTest, FieldErrorsBecomeBadRequestDetails) {
  FieldErrors errors;
  errors.Add("organization.uscc", "must be 18 characters");
  errors.Add("organization.district_code", "is not a known district");
  const grpc::Status g = ToGrpcStatus(errors.ToStatus());
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(g.error_message().find("organization.uscc"), std::string::npos);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(g.error_details()));
  bool found_bad_request = false;
  bool found_info = false;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest br;
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&br)) {
      found_bad_request = true;
      ASSERT_EQ(br.field_violations_size(), 2);
      EXPECT_EQ(br.field_violations(1).field(), "organization.district_code");
    } else if (any.UnpackTo(&info)) {
      found_info = true;
      EXPECT_EQ(info.reason(), "INVALID_FIELD");
    }
  }
  EXPECT_TRUE(found_bad_request);
  EXPECT_TRUE(found_info);
}

TEST(GrpcStatusTest, RoundTripsThroughGrpcWithDetails) {
  absl::Status original = WithReason(absl::StatusCode::kFailedPrecondition,
                                     "ORGANIZATION_ARCHIVED", "archived");
  absl::Status back = FromGrpcStatus(ToGrpcStatus(original));
  EXPECT_EQ(back.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(back.message(), "archived");
  EXPECT_EQ(ReasonOf(back), "ORGANIZATION_ARCHIVED");
}

TEST(GrpcStatusTest, OkAndPayloadsThatAreNotDetails) {
  EXPECT_EQ(ToGrpcStatus(absl::OkStatus()).error_code(), grpc::StatusCode::OK);
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
  absl::Status plain = absl::UnavailableError("down");
  plain.SetPayload("local/debug", absl::Cord("not for clients"));
  const grpc::Status g = ToGrpcStatus(plain);
  EXPECT_EQ(g.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(g.error_details().empty());
}

}  // namespace
}  // namespace qpp::status
