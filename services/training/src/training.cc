#include "services/training/src/training.h"

namespace qpp::training {

TrainingRepositories NewMysqlTrainingRepositories() {
  TrainingRepositories repositories;
  repositories.courses = NewMysqlCourseRepository();
  repositories.sessions = NewMysqlSessionRepository();
  return repositories;
}

Training::Training(db::ConnectionPool& pool, TrainingRepositories repositories,
                   std::unique_ptr<RegistryClient> registry, dates::Clock clock)
    : registry_(std::move(registry)),
      course_repository_(std::move(repositories.courses)),
      context_{pool, *registry_, std::move(clock)},
      courses_(context_, *course_repository_),
      sessions_(context_, std::move(repositories.sessions),
                *course_repository_) {}

}  // namespace qpp::training
