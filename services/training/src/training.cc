#include "services/training/src/training.h"

namespace qpp::training {

TrainingRepositories NewMysqlTrainingRepositories() {
  TrainingRepositories repositories;
  repositories.courses = NewMysqlCourseRepository();
  repositories.sessions = NewMysqlSessionRepository();
  repositories.trainees = NewMysqlTraineeRepository();
  repositories.registrations = NewMysqlRegistrationRepository();
  return repositories;
}

Training::Training(db::ConnectionPool& pool, TrainingRepositories repositories,
                   std::unique_ptr<RegistryClient> registry,
                   crypto::DataCipher cipher, dates::Clock clock)
    : registry_(std::move(registry)),
      cipher_(std::move(cipher)),
      course_repository_(std::move(repositories.courses)),
      context_{pool, *registry_, cipher_, std::move(clock)},
      courses_(context_, *course_repository_),
      sessions_(context_, std::move(repositories.sessions),
                *course_repository_),
      trainees_(context_, std::move(repositories.trainees)),
      registrations_(context_, std::move(repositories.registrations),
                     *course_repository_) {}

}  // namespace qpp::training
