#pragma once

// Training's use cases, one class per resource, wired to what they share
// (the pool, the registry client, the clock). This is what a binary, a test
// or a benchmark constructs; the gRPC surface (training_service.h) calls the
// use cases through it.
//
// Where a resource's code lives: its use cases (<resource>.h), its rules
// (<resource>_rules.h, pure) and its storage (mysql_<resource>_repository.cc
// behind an interface of training_repository.h):
//   courses     courses.h, course_rules.h
//   sessions    sessions.h, session_rules.h
//   trainees    trainees.h, trainee_rules.h
//   registrations  registrations.h, registration_rules.h
//   certificates   certificates.h, certificate_rules.h
//   appointments   appointments.h, appointment_rules.h
//   statistics     statistics.h, statistics_rules.h
// The registry, the one service training calls: registry_client.h.

#include <memory>

#include "common/crypto/cipher.h"
#include "common/dates/dates.h"
#include "common/db/db.h"
#include "services/training/src/appointments.h"
#include "services/training/src/certificates.h"
#include "services/training/src/courses.h"
#include "services/training/src/registrations.h"
#include "services/training/src/registry_client.h"
#include "services/training/src/sessions.h"
#include "services/training/src/statistics.h"
#include "services/training/src/trainees.h"
#include "services/training/src/training_repository.h"
#include "services/training/src/use_case_context.h"

namespace qpp::training {

// Training's repositories, one per resource.
struct TrainingRepositories {
  std::unique_ptr<CourseRepository> courses;
  std::unique_ptr<SessionRepository> sessions;
  std::unique_ptr<TraineeRepository> trainees;
  std::unique_ptr<RegistrationRepository> registrations;
  std::unique_ptr<CertificateRepository> certificates;
  std::unique_ptr<StatisticsRepository> statistics;
  std::unique_ptr<AppointmentRepository> appointments;
};

// Every repository in its MySQL/MariaDB implementation.
TrainingRepositories NewMysqlTrainingRepositories();

class Training final {
 public:
  // `pool` is not owned and must outlive this object; every repository and
  // `registry` must be set. `cipher` seals personal data and makes its
  // lookup hashes. `certificate_options` say how certificates are issued.
  // `clock` gives the time of every use case.
  Training(db::ConnectionPool& pool, TrainingRepositories repositories,
           std::unique_ptr<RegistryClient> registry, crypto::DataCipher cipher,
           CertificateOptions certificate_options, dates::Clock clock);
  Training(const Training&) = delete;
  Training& operator=(const Training&) = delete;

  // The use cases of each resource; they live as long as this object.
  Courses& courses() { return courses_; }
  Sessions& sessions() { return sessions_; }
  Trainees& trainees() { return trainees_; }
  Registrations& registrations() { return registrations_; }
  Certificates& certificates() { return certificates_; }
  Statistics& statistics() { return statistics_; }
  Appointments& appointments() { return appointments_; }

 private:
  // Declared in construction order: the shared pieces first.
  std::unique_ptr<RegistryClient> registry_;
  const crypto::DataCipher cipher_;
  std::unique_ptr<CourseRepository> course_repository_;
  std::unique_ptr<RegistrationRepository> registration_repository_;
  std::unique_ptr<CertificateRepository> certificate_repository_;
  UseCaseContext context_;
  Courses courses_;
  Sessions sessions_;
  Trainees trainees_;
  Registrations registrations_;
  Certificates certificates_;
  Statistics statistics_;
  Appointments appointments_;
};

}  // namespace qpp::training
