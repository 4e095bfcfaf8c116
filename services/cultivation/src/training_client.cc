#include "services/cultivation/src/training_client.h"

#include "absl/strings/str_cat.h"
#include "common/client/dependency.h"
#include "common/client/service_client.h"
#include "common/dates/dates.h"
#include "qpp/training/v1/training_service.grpc.pb.h"

namespace qpp::cultivation {
namespace {

namespace training_v1 = ::qpp::training::v1;

client::Dependency Training() {
  return {.display_name = "training",
          .subject = "training",
          .consequence = "the certificate cannot be checked",
          .pass_not_found = false};
}

// Training's failure in cultivation's terms: training that cannot answer
// as TRAINING_UNAVAILABLE, anything else as INTERNAL
// (common/client/dependency.h).
absl::Status TrainingError(const absl::Status& called) {
  return client::DependencyError(Training(), called);
}

class GrpcTrainingClient final : public TrainingClient {
 public:
  GrpcTrainingClient(std::shared_ptr<grpc::Channel> channel,
                     prometheus::Registry& metrics)
      : client_(std::move(channel),
                client::DescriptorOf<training_v1::TrainingService>(),
                client::DependencyClientOptions(Training()), metrics),
        stub_(training_v1::TrainingService::NewStub(client_.channel())) {}

  absl::StatusOr<bool> IsCertifiedSelfAssessor(
      const RequestContext& context, absl::string_view number) override {
    training_v1::CheckCertificateRequest request;
    request.set_number(std::string(number));
    request.set_certificate_type(
        training_v1::CERTIFICATE_TYPE_EXCELLENCE_SELF_ASSESSOR);
    training_v1::CheckCertificateResponse response;
    const absl::Status called =
        client_.Call(context, "CheckCertificate", stub_.get(),
                     &training_v1::TrainingService::Stub::CheckCertificate,
                     request, &response);
    if (!called.ok()) {
      // A number training rejects as malformed is no valid certificate.
      if (called.code() == absl::StatusCode::kInvalidArgument ||
          called.code() == absl::StatusCode::kNotFound) {
        return false;
      }
      return TrainingError(called);
    }
    return response.valid();
  }

  absl::StatusOr<int> CountAttendedStaff(const RequestContext& context,
                                         absl::string_view uscc,
                                         absl::CivilDay first,
                                         absl::CivilDay last) override {
    training_v1::CountAttendedStaffRequest request;
    request.set_organization(absl::StrCat("organizations/", uscc));
    *request.mutable_start_date() = dates::ToDate(first);
    *request.mutable_end_date() = dates::ToDate(last);
    training_v1::CountAttendedStaffResponse response;
    const absl::Status called =
        client_.Call(context, "CountAttendedStaff", stub_.get(),
                     &training_v1::TrainingService::Stub::CountAttendedStaff,
                     request, &response);
    if (!called.ok()) return TrainingError(called);
    return response.attended_staff();
  }

 private:
  client::ServiceClient client_;
  std::unique_ptr<training_v1::TrainingService::Stub> stub_;
};

}  // namespace

std::unique_ptr<TrainingClient> NewGrpcTrainingClient(
    std::shared_ptr<grpc::Channel> channel, prometheus::Registry& metrics) {
  return std::make_unique<GrpcTrainingClient>(std::move(channel), metrics);
}

}  // namespace qpp::cultivation
