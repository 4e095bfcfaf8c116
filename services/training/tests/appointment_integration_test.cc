// Certificate lists and appointments on a real MariaDB: certificates
// filtered by holder, type and state; an organisation's chief quality
// officer and quality engineers appointed only with a qualifying
// certificate, listed per organisation; nothing written on bad input, an
// unregistered organisation or a registry that is down.

#include "services/training/tests/integration_fixture.h"

namespace qpp::training {
namespace {

class AppointmentIntegrationTest : public TrainingIntegrationTest {
 protected:
  // Trainee n's recognised certificate of `type`, issued on `issued`.
  v1::Certificate Recognise(int n, v1::CertificateType type,
                            absl::CivilDay issued) {
    v1::RecognizeCertificateRequest req;
    req.set_holder(CreateTrainee(n).name());
    req.set_certificate_type(type);
    req.set_issuing_body("Hong Kong Society for Quality");
    *req.mutable_issue_date() = dates::ToDate(issued);
    v1::Certificate out;
    const absl::Status s =
        training_->certificates().RecognizeCertificate(req, &out);
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  absl::Status Appoint(const std::string& parent, v1::Appointment::Role role,
                       const std::string& certificate, absl::CivilDay start,
                       v1::Appointment* out) {
    v1::CreateAppointmentRequest req;
    req.set_parent(parent);
    req.mutable_appointment()->set_role(role);
    req.mutable_appointment()->set_certificate(certificate);
    *req.mutable_appointment()->mutable_start_date() = dates::ToDate(start);
    return training_->appointments().CreateAppointment(call_, req, out);
  }

  std::vector<v1::Certificate> List(const v1::ListCertificatesRequest& req) {
    v1::ListCertificatesResponse resp;
    const absl::Status s =
        training_->certificates().ListCertificates(req, &resp);
    EXPECT_TRUE(s.ok()) << s;
    return {resp.certificates().begin(), resp.certificates().end()};
  }
};

TEST_F(AppointmentIntegrationTest, ListsCertificatesByHolderTypeAndState) {
  const v1::Certificate cqo =
      Recognise(1, v1::CERTIFICATE_TYPE_CHIEF_QUALITY_OFFICER,
                absl::CivilDay(2025, 1, 1));
  const v1::Certificate qe = Recognise(2, v1::CERTIFICATE_TYPE_QUALITY_ENGINEER,
                                       absl::CivilDay(2025, 2, 1));
  const v1::Certificate old = Recognise(
      3, v1::CERTIFICATE_TYPE_QUALITY_ENGINEER, absl::CivilDay(2019, 1, 1));
  ASSERT_EQ(old.state(), v1::Certificate::STATE_EXPIRED);
  v1::RevokeCertificateRequest revoke;
  revoke.set_name(qe.name());
  revoke.set_reason("forged training record");
  v1::Certificate revoked;
  ASSERT_TRUE(training_->certificates()
                  .RevokeCertificate(call_, revoke, &revoked)
                  .ok());

  v1::ListCertificatesRequest req;
  EXPECT_EQ(List(req).size(), 3u);
  req.set_certificate_type(v1::CERTIFICATE_TYPE_QUALITY_ENGINEER);
  EXPECT_EQ(List(req).size(), 2u);
  req.set_state(v1::Certificate::STATE_EXPIRED);
  ASSERT_EQ(List(req).size(), 1u);
  EXPECT_EQ(List(req)[0].number(), old.number());
  req.set_state(v1::Certificate::STATE_REVOKED);
  ASSERT_EQ(List(req).size(), 1u);
  EXPECT_EQ(List(req)[0].number(), qe.number());
  req.Clear();
  req.set_state(v1::Certificate::STATE_VALID);
  ASSERT_EQ(List(req).size(), 1u);
  EXPECT_EQ(List(req)[0].number(), cqo.number());
  req.Clear();
  req.set_holder(cqo.holder());
  ASSERT_EQ(List(req).size(), 1u);
  EXPECT_EQ(List(req)[0].masked_holder_name(), "王**");
  // By the holders' employer (every trainee here works for organisation 1).
  req.Clear();
  req.set_employer("organizations/" + Uscc(1));
  EXPECT_EQ(List(req).size(), 3u);
  req.set_state(v1::Certificate::STATE_VALID);
  EXPECT_EQ(List(req).size(), 1u);
  req.set_employer("organizations/" + Uscc(2));
  EXPECT_EQ(List(req).size(), 0u);

  // Pages of one, in id order, to the end.
  req.Clear();
  req.set_page_size(1);
  std::vector<std::string> numbers;
  do {
    v1::ListCertificatesResponse page;
    ASSERT_TRUE(training_->certificates().ListCertificates(req, &page).ok());
    for (const auto& c : page.certificates()) numbers.push_back(c.number());
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  EXPECT_EQ(numbers, (std::vector<std::string>{cqo.number(), qe.number(),
                                               old.number()}));

  // Bad filters: every violation named.
  v1::ListCertificatesRequest bad;
  bad.set_holder("people/1");
  bad.set_certificate_type(static_cast<v1::CertificateType>(99));
  bad.set_state(static_cast<v1::Certificate::State>(42));
  bad.set_employer("organizations/91440300MA5XXXXXXX");
  v1::ListCertificatesResponse resp;
  const absl::Status s = training_->certificates().ListCertificates(bad, &resp);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status::FieldViolationsOf(s).size(), 4u);
}

TEST_F(AppointmentIntegrationTest, AppointsQualifiedPeopleAndListsThemPerOrg) {
  const v1::Certificate cqo =
      Recognise(1, v1::CERTIFICATE_TYPE_CHIEF_QUALITY_OFFICER,
                absl::CivilDay(2025, 1, 1));
  const v1::Certificate qe = Recognise(2, v1::CERTIFICATE_TYPE_QUALITY_ENGINEER,
                                       absl::CivilDay(2025, 2, 1));
  const std::string org = "organizations/" + Uscc(1);
  v1::Appointment chief;
  ASSERT_TRUE(Appoint(org, v1::Appointment::ROLE_CHIEF_QUALITY_OFFICER,
                      cqo.name(), absl::CivilDay(2025, 3, 1), &chief)
                  .ok());
  EXPECT_TRUE(absl::StartsWith(chief.name(), org + "/appointments/"))
      << chief.name();
  EXPECT_EQ(chief.appointee(), cqo.holder());
  EXPECT_EQ(chief.masked_appointee_name(), "王**");
  EXPECT_EQ(chief.certificate(), cqo.name());
  EXPECT_FALSE(chief.has_end_date());
  v1::Appointment engineer;
  v1::CreateAppointmentRequest with_end;
  with_end.set_parent(org);
  with_end.set_request_id("6f1c1f3e-7d2a-4a8e-9a55-1f0d1b2c3d4e");
  with_end.mutable_appointment()->set_role(
      v1::Appointment::ROLE_QUALITY_ENGINEER);
  with_end.mutable_appointment()->set_certificate(qe.name());
  *with_end.mutable_appointment()->mutable_start_date() =
      dates::ToDate(absl::CivilDay(2025, 6, 1));
  *with_end.mutable_appointment()->mutable_end_date() =
      dates::ToDate(absl::CivilDay(2026, 5, 31));
  ASSERT_TRUE(training_->appointments()
                  .CreateAppointment(call_, with_end, &engineer)
                  .ok());
  // A retry answers once.
  v1::Appointment again;
  ASSERT_TRUE(training_->appointments()
                  .CreateAppointment(call_, with_end, &again)
                  .ok());
  EXPECT_EQ(again.name(), engineer.name());
  EXPECT_EQ(Count("appointments"), 2);

  v1::ListAppointmentsRequest list;
  list.set_parent(org);
  v1::ListAppointmentsResponse listed;
  ASSERT_TRUE(training_->appointments().ListAppointments(list, &listed).ok());
  ASSERT_EQ(listed.appointments_size(), 2);
  EXPECT_EQ(listed.appointments(1).end_date().year(), 2026);
  list.set_role(v1::Appointment::ROLE_CHIEF_QUALITY_OFFICER);
  ASSERT_TRUE(training_->appointments().ListAppointments(list, &listed).ok());
  ASSERT_EQ(listed.appointments_size(), 1);
  EXPECT_EQ(listed.appointments(0).name(), chief.name());
  // Another organisation has none; "-" lists every organisation's.
  list.Clear();
  list.set_parent("organizations/" + Uscc(2));
  ASSERT_TRUE(training_->appointments().ListAppointments(list, &listed).ok());
  EXPECT_EQ(listed.appointments_size(), 0);
  list.set_parent("organizations/-");
  ASSERT_TRUE(training_->appointments().ListAppointments(list, &listed).ok());
  EXPECT_EQ(listed.appointments_size(), 2);
}

TEST_F(AppointmentIntegrationTest, RefusesWhatDoesNotQualifyAndWritesNothing) {
  const v1::Certificate qe = Recognise(1, v1::CERTIFICATE_TYPE_QUALITY_ENGINEER,
                                       absl::CivilDay(2025, 2, 1));
  const v1::Certificate old =
      Recognise(2, v1::CERTIFICATE_TYPE_CHIEF_QUALITY_OFFICER,
                absl::CivilDay(2019, 1, 1));
  const std::string org = "organizations/" + Uscc(1);
  v1::Appointment out;
  // The wrong type for the post.
  absl::Status s = Appoint(org, v1::Appointment::ROLE_CHIEF_QUALITY_OFFICER,
                           qe.name(), absl::CivilDay(2025, 3, 1), &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status::ReasonOf(s), "CERTIFICATE_NOT_QUALIFYING");
  EXPECT_TRUE(absl::StrContains(s.message(), "CHIEF_QUALITY_OFFICER")) << s;
  // Expired.
  s = Appoint(org, v1::Appointment::ROLE_CHIEF_QUALITY_OFFICER, old.name(),
              absl::CivilDay(2026, 1, 1), &out);
  EXPECT_EQ(status::ReasonOf(s), "CERTIFICATE_NOT_QUALIFYING");
  // Starting before the certificate was issued.
  s = Appoint(org, v1::Appointment::ROLE_QUALITY_ENGINEER, qe.name(),
              absl::CivilDay(2024, 12, 31), &out);
  EXPECT_EQ(status::ReasonOf(s), "CERTIFICATE_NOT_QUALIFYING");
  // Revoked.
  v1::RevokeCertificateRequest revoke;
  revoke.set_name(qe.name());
  revoke.set_reason("withdrawn");
  v1::Certificate revoked;
  ASSERT_TRUE(training_->certificates()
                  .RevokeCertificate(call_, revoke, &revoked)
                  .ok());
  s = Appoint(org, v1::Appointment::ROLE_QUALITY_ENGINEER, qe.name(),
              absl::CivilDay(2025, 3, 1), &out);
  EXPECT_EQ(status::ReasonOf(s), "CERTIFICATE_NOT_QUALIFYING");
  EXPECT_TRUE(absl::StrContains(s.message(), "revoked")) << s;
  // An unknown certificate.
  s = Appoint(org, v1::Appointment::ROLE_QUALITY_ENGINEER,
              "certificates/QE2025999999", absl::CivilDay(2025, 3, 1), &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  // An archived organisation, and a registry that is down.
  s = Appoint("organizations/" + Uscc(2),
              v1::Appointment::ROLE_CHIEF_QUALITY_OFFICER, old.name(),
              absl::CivilDay(2019, 2, 1), &out);
  EXPECT_EQ(status::ReasonOf(s), "ORGANIZATION_NOT_REGISTERED");
  registry_->SetDown(true);
  s = Appoint(org, v1::Appointment::ROLE_QUALITY_ENGINEER, qe.name(),
              absl::CivilDay(2025, 3, 1), &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  registry_->SetDown(false);
  // Bad input: every violation named, the registry not even asked.
  const int calls = registry_->calls();
  v1::CreateAppointmentRequest bad;
  bad.set_parent(org);
  bad.mutable_appointment()->set_certificate("certificates/lower-case");
  bad.mutable_appointment()->mutable_start_date()->set_year(2025);
  s = training_->appointments().CreateAppointment(call_, bad, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status::FieldViolationsOf(s).size(), 3u) << s;
  bad.set_parent("organizations/123");
  EXPECT_EQ(
      training_->appointments().CreateAppointment(call_, bad, &out).code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry_->calls(), calls);
  EXPECT_EQ(Count("appointments"), 0);
}

}  // namespace
}  // namespace qpp::training
