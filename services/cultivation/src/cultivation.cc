#include "services/cultivation/src/cultivation.h"

namespace qpp::cultivation {

CultivationRepositories NewMysqlCultivationRepositories() {
  CultivationRepositories repositories;
  repositories.cohorts = NewMysqlCohortRepository();
  repositories.applications = NewMysqlApplicationRepository();
  repositories.experts = NewMysqlExpertRepository();
  repositories.reviews = NewMysqlReviewRepository();
  repositories.selections = NewMysqlSelectionRepository();
  repositories.enrollments = NewMysqlEnrollmentRepository();
  repositories.growth_plan = NewMysqlGrowthPlanRepository();
  return repositories;
}

Cultivation::Cultivation(db::ConnectionPool& pool,
                         CultivationRepositories repositories,
                         CultivationClients clients, crypto::DataCipher cipher,
                         dates::Clock clock, ProgrammeOptions options)
    : registry_(std::move(clients.registry)),
      training_(std::move(clients.training)),
      cipher_(std::move(cipher)),
      cohort_repository_(std::move(repositories.cohorts)),
      application_repository_(std::move(repositories.applications)),
      expert_repository_(std::move(repositories.experts)),
      review_repository_(std::move(repositories.reviews)),
      selection_repository_(std::move(repositories.selections)),
      enrollment_repository_(std::move(repositories.enrollments)),
      growth_plan_repository_(std::move(repositories.growth_plan)),
      context_{pool,    *registry_,       *training_,
               cipher_, std::move(clock), options},
      cohorts_(context_, *cohort_repository_),
      applications_(context_, *cohort_repository_, *application_repository_,
                    *enrollment_repository_),
      experts_(context_, *expert_repository_),
      reviews_(context_, {*cohort_repository_, *application_repository_,
                          *expert_repository_, *review_repository_}),
      selections_(context_, {*cohort_repository_, *application_repository_,
                             *selection_repository_, *enrollment_repository_}),
      enrollments_(context_, *enrollment_repository_),
      growth_plan_(context_, *growth_plan_repository_),
      statistics_(context_,
                  {*cohort_repository_, *application_repository_,
                   *enrollment_repository_, *growth_plan_repository_}) {}

}  // namespace qpp::cultivation
