#include "common/status/status.h"

#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

// Domain, database and validation code include status.h; it must not bring
// gRPC with it (grpc_status.h is the bridge).
#ifdef GRPCPP_SUPPORT_STATUS_H
#error "common/status/status.h includes gRPC"
#endif

namespace qpp::status {
namespace {

TEST(StatusTest, FieldErrorsCarryEveryViolation) {
  FieldErrors errors;
  EXPECT_TRUE(errors.ToStatus().ok());
  errors.Add("organization.uscc", "must be 18 characters");
  errors.Add("organization.district_code", "is not a known district");
  const absl::Status s = errors.ToStatus();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("organization.uscc"), absl::string_view::npos);
  EXPECT_EQ(ReasonOf(s), "INVALID_FIELD");
  const auto violations = FieldViolationsOf(s);
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[1].field, "organization.district_code");
}

TEST(StatusTest, MessageNamesTheFirstViolationsOnly) {
  FieldErrors errors;
  for (int i = 0; i < 5; ++i) errors.Add("f" + std::to_string(i), "bad");
  const absl::Status s = errors.ToStatus();
  EXPECT_NE(s.message().find("f2"), absl::string_view::npos);
  EXPECT_EQ(s.message().find("f3"), absl::string_view::npos);
  EXPECT_NE(s.message().find("and 2 more"), absl::string_view::npos);
  EXPECT_EQ(FieldViolationsOf(s).size(), 5u);
}

TEST(StatusTest, ResourceErrorsHaveTheirCodesAndReasons) {
  const absl::Status missing = NotFound("organizations/X");
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.message(), "organizations/X does not exist");
  EXPECT_EQ(ReasonOf(missing), "NOT_FOUND");

  const absl::Status etag = EtagMismatch("the partnership");
  EXPECT_EQ(etag.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ReasonOf(etag), "ETAG_MISMATCH");
  EXPECT_NE(etag.message().find("the partnership changed"),
            absl::string_view::npos);

  EXPECT_TRUE(CheckEtag("", "\"3\"", "the partnership").ok());
  EXPECT_TRUE(CheckEtag("\"3\"", "\"3\"", "the partnership").ok());
  EXPECT_EQ(ReasonOf(CheckEtag("\"2\"", "\"3\"", "the partnership")),
            "ETAG_MISMATCH");

  const absl::Status moved = ConcurrentUpdate("the organisation");
  EXPECT_EQ(moved.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ReasonOf(moved), "CONCURRENT_UPDATE");

  const absl::Status archived =
      Archived("ORGANIZATION_ARCHIVED", "organizations/X");
  EXPECT_EQ(archived.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(archived), "ORGANIZATION_ARCHIVED");
  EXPECT_EQ(archived.message(),
            "organizations/X is archived; undelete it first");
}

TEST(StatusTest, OnAlreadyExistsRenamesOnlyDuplicates) {
  const absl::Status duplicate = WithReason(
      absl::StatusCode::kAlreadyExists, "DB_DUPLICATE_KEY", "duplicate key");
  const absl::Status renamed =
      OnAlreadyExists(duplicate, "AWARD_EXISTS", "already has an award");
  EXPECT_EQ(renamed.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ReasonOf(renamed), "AWARD_EXISTS");
  EXPECT_EQ(renamed.message(), "already has an award");

  const absl::Status other = absl::UnavailableError("down");
  EXPECT_EQ(OnAlreadyExists(other, "AWARD_EXISTS", "x"), other);
  EXPECT_TRUE(OnAlreadyExists(absl::OkStatus(), "AWARD_EXISTS", "x").ok());
}

TEST(StatusTest, RetryDelayTravelsAsDetail) {
  const absl::Status s = WithRetryDelay(
      WithReason(absl::StatusCode::kResourceExhausted, "RATE_LIMIT", "slow"),
      1500);
  EXPECT_EQ(ReasonOf(s), "RATE_LIMIT");
  int details = 0;
  s.ForEachPayload([&](absl::string_view type_url, const absl::Cord&) {
    EXPECT_EQ(type_url.substr(0, kTypeUrlPrefix.size()), kTypeUrlPrefix);
    ++details;
  });
  EXPECT_EQ(details, 2);
}

absl::StatusOr<int> Half(int n) {
  if (n % 2 != 0) return absl::InvalidArgumentError("odd");
  return n / 2;
}

absl::Status Quarter(int n, int* out) {
  QPP_ASSIGN_OR_RETURN(int half, Half(n));
  QPP_ASSIGN_OR_RETURN(*out, Half(half));
  QPP_RETURN_IF_ERROR(absl::OkStatus());
  return absl::OkStatus();
}

TEST(StatusTest, MacrosReturnTheFirstError) {
  int out = 0;
  EXPECT_TRUE(Quarter(8, &out).ok());
  EXPECT_EQ(out, 2);
  EXPECT_EQ(Quarter(6, &out).code(), absl::StatusCode::kInvalidArgument);
}

TEST(StatusTest, EveryCodeMapsToItsHttpStatus) {
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kOk), 200);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kAborted), 409);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kDeadlineExceeded), 504);
}

TEST(StatusTest, ErrorInfoCarriesTheServicesDomain) {
  auto domain_of = [](const absl::Status& s) {
    auto payload =
        s.GetPayload(absl::StrCat(kTypeUrlPrefix, "google.rpc.ErrorInfo"));
    google::rpc::ErrorInfo info;
    if (!payload.has_value() || !info.ParseFromString(std::string(*payload))) {
      return std::string("no ErrorInfo");
    }
    return info.domain();
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
