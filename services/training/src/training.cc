#include "services/training/src/training.h"

namespace qpp::training {

TrainingRepositories NewMysqlTrainingRepositories() {
  TrainingRepositories repositories;
  repositories.courses = NewMysqlCourseRepository();
  repositories.sessions = NewMysqlSessionRepository();
  repositories.trainees = NewMysqlTraineeRepository();
  repositories.registrations = NewMysqlRegistrationRepository();
  repositories.certificates = NewMysqlCertificateRepository();
  repositories.statistics = NewMysqlStatisticsRepository();
  repositories.appointments = NewMysqlAppointmentRepository();
  return repositories;
}

Training::Training(db::ConnectionPool& pool, TrainingRepositories repositories,
                   std::unique_ptr<RegistryClient> registry,
                   crypto::DataCipher cipher,
                   CertificateOptions certificate_options, dates::Clock clock)
    : registry_(std::move(registry)),
      cipher_(std::move(cipher)),
      course_repository_(std::move(repositories.courses)),
      registration_repository_(std::move(repositories.registrations)),
      certificate_repository_(std::move(repositories.certificates)),
      context_{pool, *registry_, cipher_, std::move(clock)},
      courses_(context_, *course_repository_),
      sessions_(context_, std::move(repositories.sessions),
                *course_repository_),
      trainees_(context_, std::move(repositories.trainees)),
      registrations_(context_, *registration_repository_, *course_repository_),
      certificates_(context_, *certificate_repository_,
                    *registration_repository_, *course_repository_,
                    std::move(certificate_options)),
      statistics_(context_, std::move(repositories.statistics)),
      appointments_(context_, std::move(repositories.appointments),
                    *certificate_repository_) {}

}  // namespace qpp::training
