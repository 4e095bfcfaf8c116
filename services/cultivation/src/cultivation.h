#pragma once

// Cultivation's use cases, one class per resource, wired to what they share
// (the pool, the registry and training clients, the cipher, the clock, the
// programme's bounds). This is what a binary, a test or a benchmark
// constructs; the gRPC surface (cultivation_service.h) calls the use cases
// through it.
//
// Where a resource's code lives: its use cases (<resource>s.h), its rules
// (<resource>_rules.h, pure) and its storage (mysql_<resource>_repository.cc
// behind an interface of cultivation_repository.h):
//   cohorts        cohorts.h, cohort_rules.h
//   applications   applications.h, application_rules.h
//   experts        experts.h, review_rules.h
//   reviews        reviews.h, review_rules.h
//   selection      selections.h, selection_rules.h
//   enrolments     enrollments.h, selection_rules.h
//   growth plan    growth_plan.h, growth_plan_rules.h
//   statistics     statistics.h (gauges: cultivation_metrics.h)
// The services cultivation calls: registry_client.h, training_client.h.

#include <memory>

#include "common/crypto/cipher.h"
#include "common/dates/dates.h"
#include "common/db/db.h"
#include "services/cultivation/src/applications.h"
#include "services/cultivation/src/cohorts.h"
#include "services/cultivation/src/cultivation_repository.h"
#include "services/cultivation/src/enrollments.h"
#include "services/cultivation/src/experts.h"
#include "services/cultivation/src/growth_plan.h"
#include "services/cultivation/src/registry_client.h"
#include "services/cultivation/src/reviews.h"
#include "services/cultivation/src/selections.h"
#include "services/cultivation/src/statistics.h"
#include "services/cultivation/src/training_client.h"
#include "services/cultivation/src/use_case_context.h"

namespace qpp::cultivation {

// Cultivation's repositories, one per resource.
struct CultivationRepositories {
  std::unique_ptr<CohortRepository> cohorts;
  std::unique_ptr<ApplicationRepository> applications;
  std::unique_ptr<ExpertRepository> experts;
  std::unique_ptr<ReviewRepository> reviews;
  std::unique_ptr<SelectionRepository> selections;
  std::unique_ptr<EnrollmentRepository> enrollments;
  std::unique_ptr<GrowthPlanRepository> growth_plan;
};

// Every repository in its MySQL/MariaDB implementation.
CultivationRepositories NewMysqlCultivationRepositories();

// The services cultivation calls.
struct CultivationClients {
  std::unique_ptr<RegistryClient> registry;
  std::unique_ptr<TrainingClient> training;
};

class Cultivation final {
 public:
  // `pool` is not owned and must outlive this object; every repository and
  // client must be set. `cipher` seals personal data. `clock` gives the
  // time of every use case; `options` the programme's bounds
  // (ValidateOptions).
  Cultivation(db::ConnectionPool& pool, CultivationRepositories repositories,
              CultivationClients clients, crypto::DataCipher cipher,
              dates::Clock clock, ProgrammeOptions options);
  Cultivation(const Cultivation&) = delete;
  Cultivation& operator=(const Cultivation&) = delete;

  // The use cases of each resource; they live as long as this object.
  Cohorts& cohorts() { return cohorts_; }
  Applications& applications() { return applications_; }
  Experts& experts() { return experts_; }
  Reviews& reviews() { return reviews_; }
  Selections& selections() { return selections_; }
  Enrollments& enrollments() { return enrollments_; }
  GrowthPlan& growth_plan() { return growth_plan_; }
  Statistics& statistics() { return statistics_; }

 private:
  // Declared in construction order: the shared pieces first.
  std::unique_ptr<RegistryClient> registry_;
  std::unique_ptr<TrainingClient> training_;
  const crypto::DataCipher cipher_;
  std::unique_ptr<CohortRepository> cohort_repository_;
  std::unique_ptr<ApplicationRepository> application_repository_;
  std::unique_ptr<ExpertRepository> expert_repository_;
  std::unique_ptr<ReviewRepository> review_repository_;
  std::unique_ptr<SelectionRepository> selection_repository_;
  std::unique_ptr<EnrollmentRepository> enrollment_repository_;
  std::unique_ptr<GrowthPlanRepository> growth_plan_repository_;
  UseCaseContext context_;
  Cohorts cohorts_;
  Applications applications_;
  Experts experts_;
  Reviews reviews_;
  Selections selections_;
  Enrollments enrollments_;
  GrowthPlan growth_plan_;
  Statistics statistics_;
};

}  // namespace qpp::cultivation
