// Cross-service, end to end: training through the gateway, over gRPC and
// HTTP/JSON, with the registry checking employers and providers. Public
// certificate verification needs no key (principal "anonymous", limited
// per client address); every other training method does. The programme
// progress reads the people trained from training.
#include <unistd.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/validation/resident_id.h"
#include "grpcpp/client_context.h"
#include "nlohmann/json.hpp"
#include "qpp/gateway/v1/progress_service.grpc.pb.h"
#include "qpp/training/v1/training_service.grpc.pb.h"
#include "services/gateway/tests/test_util.h"
#include "tests/e2e/gateway_registry_fixture.h"

namespace qpp::e2e {
namespace {

namespace training_v1 = ::qpp::training::v1;
namespace gateway_v1 = ::qpp::gateway::v1;
using gateway::testing::GenericUnaryCall;
using gateway::testing::HttpClient;
using gateway::testing::HttpResponse;

constexpr char kVerify[] = "/qpp.training.v1.TrainingService/VerifyCertificate";

std::string ResidentId(int n) {
  const std::string first17 = absl::StrFormat("44030519880214%03d", n);
  return first17 + validation::ResidentIdCheckCharacter(first17);
}

class GatewayTrainingE2E : public GatewayRegistryE2E {
 protected:
  // A call without any credentials.
  HttpResponse Anonymous(const std::string& method, const std::string& path,
                         const std::string& body = "") {
    HttpClient client(gw_->http_port);
    auto r = client.Send(method, path, {}, body);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : HttpResponse{};
  }

  // Adds the key of `principal` (none if empty) and a deadline.
  static void Prepare(grpc::ClientContext* ctx, const std::string& key) {
    if (!key.empty()) ctx->AddMetadata("x-api-key", key);
    ctx->set_deadline(std::chrono::system_clock::now() +
                      std::chrono::seconds(5));
  }

  std::unique_ptr<training_v1::TrainingService::Stub> Stub() {
    return training_v1::TrainingService::NewStub(gw_->channel);
  }
};

TEST_F(GatewayTrainingE2E, TrainCertifyAndVerifyOverGrpcAndHttp) {
  const std::string office = gw_->keys["programme-office"];
  // The employer and provider, registered through the gateway.
  const std::string uscc = MakeUscc(60000000 + getpid() % 1000000);
  HttpResponse org = Http(
      "POST", "/v1/organizations", "programme-office",
      absl::StrCat(
          R"({"uscc": ")", uscc,
          R"(", "displayName": "深圳市培训网关测试有限公司", "kind": "ORGANIZATION_KIND_ENTERPRISE", "districtCode": "440305", "industryCode": "3921", "employees": 80})"));
  ASSERT_EQ(org.status, 200) << org.body;

  // A course over HTTP, a session over gRPC.
  HttpResponse course = Http(
      "POST", "/v1/courses", "programme-office",
      R"({"title": "质量工程师培训", "kind": "COURSE_KIND_QUALITY_ENGINEER", "hours": 24, "hasExam": true, "certificateType": "CERTIFICATE_TYPE_QUALITY_ENGINEER"})");
  ASSERT_EQ(course.status, 200) << course.body;
  const std::string course_name = nlohmann::json::parse(course.body)["name"];
  training_v1::CreateSessionRequest session_req;
  session_req.set_parent(course_name);
  training_v1::Session& s = *session_req.mutable_session();
  s.mutable_start_date()->set_year(2020);
  s.mutable_start_date()->set_month(5);
  s.mutable_start_date()->set_day(10);
  *s.mutable_end_date() = s.start_date();
  s.mutable_end_date()->set_day(11);
  s.set_place("南山区");
  s.set_provider("organizations/" + uscc);
  s.set_capacity(1);
  training_v1::Session session;
  {
    grpc::ClientContext ctx;
    Prepare(&ctx, office);
    const grpc::Status st = Stub()->CreateSession(&ctx, session_req, &session);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }

  // Two trainees over HTTP: personal data masked in the answer.
  std::vector<std::string> trainees;
  for (int n = 1; n <= 2; ++n) {
    HttpResponse t =
        Http("POST", "/v1/trainees", "programme-office",
             absl::StrCat(R"({"displayName": "李四", "residentId": ")",
                          ResidentId(n), R"(", "phone": "13812345678", )",
                          R"("employer": "organizations/)", uscc, R"("})"));
    ASSERT_EQ(t.status, 200) << t.body;
    EXPECT_EQ(t.body.find(ResidentId(n)), std::string::npos) << t.body;
    EXPECT_EQ(nlohmann::json::parse(t.body)["maskedResidentId"],
              absl::StrCat(ResidentId(n).substr(0, 4), std::string(10, '*'),
                           ResidentId(n).substr(14)));
    trainees.push_back(nlohmann::json::parse(t.body)["name"]);
  }

  // One seat: the first is confirmed, the second waits, over gRPC.
  std::vector<training_v1::Registration> registrations(2);
  for (int i = 0; i < 2; ++i) {
    training_v1::CreateRegistrationRequest req;
    req.mutable_registration()->set_session(session.name());
    req.mutable_registration()->set_trainee(trainees[i]);
    grpc::ClientContext ctx;
    Prepare(&ctx, office);
    ASSERT_TRUE(Stub()->CreateRegistration(&ctx, req, &registrations[i]).ok());
  }
  EXPECT_EQ(registrations[0].state(),
            training_v1::Registration::STATE_CONFIRMED);
  EXPECT_EQ(registrations[1].state(),
            training_v1::Registration::STATE_WAITLISTED);

  // Attendance and the certificate over HTTP.
  HttpResponse attended = Http(
      "POST",
      absl::StrCat("/v1/", registrations[0].name(), ":recordAttendance"),
      "programme-office",
      R"({"attended": true, "examResult": "EXAM_RESULT_PASSED", "examScore": 88})");
  ASSERT_EQ(attended.status, 200) << attended.body;
  HttpResponse issued = Http(
      "POST", "/v1/certificates:issue", "programme-office",
      absl::StrCat(R"({"registration": ")", registrations[0].name(), R"("})"));
  ASSERT_EQ(issued.status, 200) << issued.body;
  const nlohmann::json cert = nlohmann::json::parse(issued.body);
  const std::string number = cert["number"];
  const std::string code = cert["verificationCode"];

  // Anonymous verification: HTTP GET and POST, and gRPC without metadata.
  HttpResponse verified =
      Anonymous("GET", absl::StrCat("/v1/certificates:verify?number=", number,
                                    "&verificationCode=", code));
  ASSERT_EQ(verified.status, 200) << verified.body;
  const nlohmann::json v = nlohmann::json::parse(verified.body);
  EXPECT_EQ(v["state"], "STATE_VALID");
  EXPECT_EQ(v["certificateType"], "CERTIFICATE_TYPE_QUALITY_ENGINEER");
  EXPECT_EQ(v["maskedHolderName"], "李*");
  EXPECT_FALSE(v.contains("holder")) << "minimal data only";
  EXPECT_EQ(
      Anonymous("POST", "/v1/certificates:verify",
                absl::StrCat(R"({"number": ")", number,
                             R"(", "verificationCode": ")", code, R"("})"))
          .status,
      200);
  training_v1::VerifyCertificateRequest verify_req;
  verify_req.set_number(number);
  verify_req.set_verification_code(code);
  std::string bytes;
  const grpc::Status grpc_verify = GenericUnaryCall(
      gw_->channel, kVerify, verify_req.SerializeAsString(), {}, &bytes);
  ASSERT_TRUE(grpc_verify.ok()) << grpc_verify.error_message();
  training_v1::VerifyCertificateResponse via_grpc;
  ASSERT_TRUE(via_grpc.ParseFromString(bytes));
  EXPECT_EQ(via_grpc.state(), training_v1::Certificate::STATE_VALID);
  // A wrong code: NOT_FOUND, as for an unknown number.
  EXPECT_EQ(
      Anonymous("GET", absl::StrCat("/v1/certificates:verify?number=", number,
                                    "&verificationCode=", "AAAAAAAAAAAAAAAA"))
          .status,
      404);

  // Every other method still needs a key; a wrong key is refused even for
  // verification.
  EXPECT_EQ(Anonymous("GET", "/v1/certificates/" + number).status, 401);
  EXPECT_EQ(Anonymous("GET", "/v1/" + course_name).status, 401);
  training_v1::GetCertificateRequest get_cert;
  get_cert.set_name("certificates/" + number);
  EXPECT_EQ(GenericUnaryCall(gw_->channel,
                             "/qpp.training.v1.TrainingService/GetCertificate",
                             get_cert.SerializeAsString(), {}, nullptr)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  {
    HttpClient client(gw_->http_port);
    auto r = client.Send("GET",
                         absl::StrCat("/v1/certificates:verify?number=", number,
                                      "&verificationCode=", code),
                         {{"X-Api-Key", "public-portal.wrong"}});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 401);
  }
  EXPECT_EQ(
      GenericUnaryCall(gw_->channel, kVerify, verify_req.SerializeAsString(),
                       {{"x-api-key", "public-portal.wrong"}}, nullptr)
          .error_code(),
      grpc::StatusCode::UNAUTHENTICATED);
  // The public portal's key still works, as itself.
  EXPECT_EQ(Http("GET",
                 absl::StrCat("/v1/certificates:verify?number=", number,
                              "&verificationCode=", code),
                 "public-portal")
                .status,
            200);

  // Statistics and the programme progress of 2020: one person trained.
  HttpResponse stats =
      Http("GET", "/v1/trainingStatistics/2020", "district-440305");
  ASSERT_EQ(stats.status, 200) << stats.body;
  const nlohmann::json st = nlohmann::json::parse(stats.body);
  EXPECT_EQ(st["yearFigures"]["personTimes"], "1") << stats.body;
  EXPECT_EQ(st["byDistrict"][0]["districtCode"], "440305") << stats.body;
  auto progress = gateway_v1::ProgressService::NewStub(gw_->channel);
  gateway_v1::GetProgrammeProgressRequest progress_req;
  progress_req.set_year(2020);
  gateway_v1::ProgrammeProgress p;
  {
    grpc::ClientContext ctx;
    Prepare(&ctx, gw_->keys["district-440305"]);
    ASSERT_TRUE(progress->GetProgrammeProgress(&ctx, progress_req, &p).ok());
  }
  ASSERT_EQ(p.targets_size(), 5);
  const gateway_v1::TargetProgress& trained = p.targets(4);
  EXPECT_EQ(trained.id(), "10000");
  EXPECT_TRUE(trained.available()) << trained.unavailable_reason();
  EXPECT_EQ(trained.current(), 1);
  EXPECT_EQ(trained.goal(), 10000);
  HttpResponse progress_http =
      Http("GET", "/v1/progress/2019", "district-440305");
  ASSERT_EQ(progress_http.status, 200) << progress_http.body;
  const nlohmann::json p2019 = nlohmann::json::parse(progress_http.body);
  EXPECT_EQ(p2019["targets"][4]["available"], true) << progress_http.body;

  // The audit names the anonymous caller of the verification.
  bool anonymous_line = false;
  for (const std::string& line : gw_->AuditLines()) {
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.value("method", "") == kVerify &&
        j.value("principal", "") == "anonymous") {
      anonymous_line = true;
    }
  }
  EXPECT_TRUE(anonymous_line);
}

TEST_F(GatewayTrainingE2E, AnonymousVerificationIsRateLimitedPerAddress) {
  // The public role allows 20 calls/s with a burst of 40 per address; an
  // unknown number answers 404 until the bucket is empty.
  int status = 0;
  int calls = 0;
  HttpClient client(gw_->http_port);
  while (calls < 400) {
    ++calls;
    auto r = client.Send(
        "GET",
        "/v1/certificates:verify?number=QE2020999999&verificationCode=X");
    ASSERT_TRUE(r.ok()) << r.status();
    status = r->status;
    if (status != 404) break;
  }
  EXPECT_EQ(status, 429) << "after " << calls << " calls";
  // The burst (less what the other test spent) passed first.
  EXPECT_GE(calls, 20);
  // Over gRPC the limit answers RESOURCE_EXHAUSTED (the bucket refills
  // meanwhile, so a few calls may pass first).
  training_v1::VerifyCertificateRequest req;
  req.set_number("QE2020999999");
  req.set_verification_code("X");
  grpc::StatusCode code = grpc::StatusCode::OK;
  for (int i = 0; i < 400 && code != grpc::StatusCode::RESOURCE_EXHAUSTED;
       ++i) {
    code = GenericUnaryCall(gw_->channel, kVerify, req.SerializeAsString(), {},
                            nullptr)
               .error_code();
    ASSERT_TRUE(code == grpc::StatusCode::NOT_FOUND ||
                code == grpc::StatusCode::RESOURCE_EXHAUSTED)
        << code;
  }
  EXPECT_EQ(code, grpc::StatusCode::RESOURCE_EXHAUSTED);
  // A caller with a key is not held back by the anonymous bucket.
  EXPECT_EQ(Http("GET",
                 "/v1/certificates:verify?number=QE2020999999&"
                 "verificationCode=X",
                 "public-portal")
                .status,
            404);
}

}  // namespace
}  // namespace qpp::e2e
