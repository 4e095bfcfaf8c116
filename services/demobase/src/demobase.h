#pragma once

// Demobase's use cases, one class per resource, wired to what they share
// (the pool, the registry client, the cipher, the clock, the programme's
// bounds). This is what a binary, a test or a benchmark constructs; the
// gRPC surface (demobase_service.h) calls the use cases through it.
//
// Where a resource's code lives: its use cases (<resource>.h), its rules
// (<resource>_rules.h, pure) and its storage (mysql_<resource>_repository.cc
// behind an interface of demobase_repository.h):
//   demonstration bases  bases.h, base_rules.h
//   open events          events.h, event_rules.h
//   registrations        registrations.h, registration_rules.h
//   compliance, figures  compliance.h, compliance_rules.h
//   satisfaction surveys surveys.h, survey_rules.h
//   demonstration projects (industry projects, district pilots)
//                        projects.h, project_rules.h
// The registry, the one service demobase calls: registry_client.h.

#include <memory>

#include "common/crypto/cipher.h"
#include "common/dates/dates.h"
#include "common/db/db.h"
#include "services/demobase/src/bases.h"
#include "services/demobase/src/compliance.h"
#include "services/demobase/src/demobase_repository.h"
#include "services/demobase/src/events.h"
#include "services/demobase/src/projects.h"
#include "services/demobase/src/registrations.h"
#include "services/demobase/src/registry_client.h"
#include "services/demobase/src/surveys.h"
#include "services/demobase/src/use_case_context.h"

namespace qpp::demobase {

// Demobase's repositories, one per resource.
struct DemoBaseRepositories {
  std::unique_ptr<BaseRepository> bases;
  std::unique_ptr<EventRepository> events;
  std::unique_ptr<RegistrationRepository> registrations;
  std::unique_ptr<ReportRepository> reports;
  std::unique_ptr<SurveyRepository> surveys;
  std::unique_ptr<ProjectRepository> projects;
};

// Every repository in its MySQL/MariaDB implementation.
DemoBaseRepositories NewMysqlDemoBaseRepositories();

class DemoBase final {
 public:
  // `pool` is not owned and must outlive this object; every repository and
  // `registry` must be set. `cipher` seals contacts. `clock` gives the time
  // of every use case; `options` the programme's bounds (ValidateOptions).
  DemoBase(db::ConnectionPool& pool, DemoBaseRepositories repositories,
           std::unique_ptr<RegistryClient> registry, crypto::DataCipher cipher,
           dates::Clock clock, ProgrammeOptions options);
  DemoBase(const DemoBase&) = delete;
  DemoBase& operator=(const DemoBase&) = delete;

  // The use cases of each resource; they live as long as this object.
  Bases& bases() { return bases_; }
  Events& events() { return events_; }
  Registrations& registrations() { return registrations_; }
  Compliance& compliance() { return compliance_; }
  Surveys& surveys() { return surveys_; }
  Projects& projects() { return projects_; }

 private:
  // Declared in construction order: the shared pieces first.
  std::unique_ptr<RegistryClient> registry_;
  const crypto::DataCipher cipher_;
  std::unique_ptr<BaseRepository> base_repository_;
  std::unique_ptr<EventRepository> event_repository_;
  std::unique_ptr<RegistrationRepository> registration_repository_;
  std::unique_ptr<ReportRepository> report_repository_;
  std::unique_ptr<SurveyRepository> survey_repository_;
  std::unique_ptr<ProjectRepository> project_repository_;
  UseCaseContext context_;
  Bases bases_;
  Events events_;
  Registrations registrations_;
  Compliance compliance_;
  Surveys surveys_;
  Projects projects_;
};

}  // namespace qpp::demobase
