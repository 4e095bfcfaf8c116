#include "services/demobase/src/demobase.h"

namespace qpp::demobase {

DemoBaseRepositories NewMysqlDemoBaseRepositories() {
  DemoBaseRepositories repositories;
  repositories.bases = NewMysqlBaseRepository();
  repositories.events = NewMysqlEventRepository();
  repositories.registrations = NewMysqlRegistrationRepository();
  repositories.reports = NewMysqlReportRepository();
  repositories.surveys = NewMysqlSurveyRepository();
  repositories.projects = NewMysqlProjectRepository();
  return repositories;
}

DemoBase::DemoBase(db::ConnectionPool& pool, DemoBaseRepositories repositories,
                   std::unique_ptr<RegistryClient> registry,
                   crypto::DataCipher cipher, dates::Clock clock,
                   ProgrammeOptions options)
    : registry_(std::move(registry)),
      cipher_(std::move(cipher)),
      base_repository_(std::move(repositories.bases)),
      event_repository_(std::move(repositories.events)),
      registration_repository_(std::move(repositories.registrations)),
      report_repository_(std::move(repositories.reports)),
      survey_repository_(std::move(repositories.surveys)),
      project_repository_(std::move(repositories.projects)),
      context_{pool, *registry_, cipher_, std::move(clock), options},
      bases_(context_, *base_repository_),
      events_(context_, *event_repository_, *base_repository_),
      registrations_(context_, *registration_repository_, *event_repository_),
      compliance_(context_, *report_repository_, *survey_repository_,
                  *project_repository_),
      surveys_(context_, *survey_repository_),
      projects_(context_, *project_repository_) {}

}  // namespace qpp::demobase
