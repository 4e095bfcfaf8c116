#include "common/status/status.h"

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace qpp::status {
namespace {

TEST(StatusTest, FieldErrorsBecomeBadRequestDetails) {
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

TEST(StatusTest, RoundTripsThroughGrpcWithDetails) {
  absl::Status original = WithReason(absl::StatusCode::kFailedPrecondition,
                                     "ORGANIZATION_ARCHIVED", "archived");
  absl::Status back = FromGrpcStatus(ToGrpcStatus(original));
  EXPECT_EQ(back.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(back.message(), "archived");
  EXPECT_EQ(ReasonOf(back), "ORGANIZATION_ARCHIVED");
}

TEST(StatusTest, EveryCodeMapsToItsHttpStatus) {
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kAborted), 409);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kDeadlineExceeded), 504);
  EXPECT_EQ(ToGrpcStatus(absl::OkStatus()).error_code(), grpc::StatusCode::OK);
}

TEST(StatusTest, ErrorInfoCarriesTheServicesDomain) {
  auto domain_of = [](const absl::Status& s) {
    google::rpc::Status rpc;
    EXPECT_TRUE(rpc.ParseFromString(ToGrpcStatus(s).error_details()));
    google::rpc::ErrorInfo info;
    for (const auto& detail : rpc.details()) {
      if (detail.UnpackTo(&info)) return info.domain();
    }
    return std::string("no ErrorInfo");
  };
  EXPECT_EQ(ErrorDomainOf("registry"), "registry.qpp.gov.cn");
  SetErrorDomain(ErrorDomainOf("registry"));
  EXPECT_EQ(domain_of(WithReason(absl::StatusCode::kNotFound, "NOT_FOUND",
                                 "missing")),
            "registry.qpp.gov.cn");
  EXPECT_EQ(domain_of(InvalidField("uscc", "bad")), "registry.qpp.gov.cn");
  SetErrorDomain(kErrorDomain);
}

}  // namespace
}  // namespace qpp::status
