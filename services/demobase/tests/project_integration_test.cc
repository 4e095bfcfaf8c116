// Demonstration projects on a real MariaDB: industry projects and district
// pilots, participants checked in the registry, milestones, the status flow
// with history, concurrency, and nothing written on bad input or while the
// registry is down.

#include <atomic>
#include <thread>
#include <vector>

#include "prometheus/registry.h"
#include "services/demobase/src/demobase_metrics.h"
#include "services/demobase/tests/integration_fixture.h"

namespace qpp::demobase {
namespace {

class ProjectIntegrationTest : public DemoBaseIntegrationTest {
 protected:
  Projects& projects() { return demobase_->projects(); }

  static v1::DemonstrationProject AProject(const std::string& sector) {
    v1::DemonstrationProject p;
    p.set_title("卓越绩效模式引入行业评价");
    p.set_scope(v1::PROJECT_SCOPE_INDUSTRY);
    p.set_sector(sector);
    p.set_lead_department("市卫生健康委");
    p.set_evaluation_system("医疗服务整体评估");
    *p.mutable_start_date() = dates::ToDate(absl::CivilDay(2026, 1, 1));
    *p.mutable_end_date() = dates::ToDate(absl::CivilDay(2026, 12, 31));
    return p;
  }

  static v1::DemonstrationProject APilot(const std::string& district) {
    v1::DemonstrationProject p = AProject("");
    p.set_title("质量强区试点");
    p.set_scope(v1::PROJECT_SCOPE_DISTRICT);
    p.set_district(district);
    p.set_lead_department("南山区市场监管局");
    p.set_evaluation_system("质量强区建设评价");
    return p;
  }

  absl::Status Create(const v1::DemonstrationProject& p,
                      v1::DemonstrationProject* out) {
    v1::CreateDemonstrationProjectRequest req;
    *req.mutable_demonstration_project() = p;
    return projects().CreateDemonstrationProject(call_, req, out);
  }

  v1::DemonstrationProject MustCreate(const v1::DemonstrationProject& p) {
    v1::DemonstrationProject out;
    const absl::Status s = Create(p, &out);
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  absl::Status Transition(const std::string& name, v1::ProjectStatus to,
                          const std::string& reason = "",
                          v1::DemonstrationProject* out = nullptr) {
    v1::TransitionDemonstrationProjectRequest req;
    req.set_name(name);
    req.set_status(to);
    req.set_reason(reason);
    v1::DemonstrationProject ignored;
    return projects().TransitionDemonstrationProject(
        call_, req, out != nullptr ? out : &ignored);
  }

  absl::Status Join(const std::string& name, int organization,
                    const std::string& request_id = "",
                    v1::DemonstrationProject* out = nullptr) {
    v1::AddProjectParticipantRequest req;
    req.set_name(name);
    req.mutable_participant()->set_organization(OrgName(organization));
    req.mutable_participant()->set_role("试点单位");
    req.set_request_id(request_id);
    v1::DemonstrationProject ignored;
    return projects().AddProjectParticipant(call_, req,
                                            out != nullptr ? out : &ignored);
  }

  absl::Status AddMilestone(const std::string& name, absl::CivilDay due,
                            v1::ProjectMilestone* out) {
    v1::CreateProjectMilestoneRequest req;
    req.set_parent(name);
    req.mutable_milestone()->set_title("完成首轮卓越绩效自评");
    *req.mutable_milestone()->mutable_due_date() = dates::ToDate(due);
    return projects().CreateProjectMilestone(req, out);
  }

  absl::Status CompleteMilestone(const std::string& name,
                                 v1::ProjectMilestone* out) {
    v1::CompleteProjectMilestoneRequest req;
    req.set_name(name);
    *req.mutable_completed_date() = dates::ToDate(absl::CivilDay(2026, 3, 1));
    req.set_evidence("深卫健〔2026〕12号 自评报告");
    return projects().CompleteProjectMilestone(req, out);
  }
};

TEST_F(ProjectIntegrationTest, IndustryProjectsAndDistrictPilotsAreListed) {
  const v1::DemonstrationProject health = MustCreate(AProject("health_care"));
  EXPECT_EQ(health.status(), v1::PROJECT_STATUS_PLANNED);
  EXPECT_EQ(health.sector_display_name(), "医疗卫生");
  ASSERT_EQ(health.history_size(), 1);
  EXPECT_EQ(health.history(0).changed_by(), "programme-office");
  MustCreate(AProject("education"));
  const v1::DemonstrationProject pilot = MustCreate(APilot("440305"));
  EXPECT_EQ(pilot.district(), "440305");
  EXPECT_EQ(pilot.sector(), "");

  v1::GetDemonstrationProjectRequest get;
  get.set_name(health.name());
  v1::DemonstrationProject got;
  ASSERT_TRUE(projects().GetDemonstrationProject(get, &got).ok());
  EXPECT_EQ(got.DebugString(), health.DebugString());

  v1::ListDemonstrationProjectsRequest list;
  list.set_scope(v1::PROJECT_SCOPE_DISTRICT);
  list.set_district("440305");
  v1::ListDemonstrationProjectsResponse page;
  ASSERT_TRUE(projects().ListDemonstrationProjects(list, &page).ok());
  ASSERT_EQ(page.demonstration_projects_size(), 1);
  EXPECT_EQ(page.demonstration_projects(0).name(), pilot.name());

  list.Clear();
  list.set_page_size(2);
  page.Clear();
  ASSERT_TRUE(projects().ListDemonstrationProjects(list, &page).ok());
  EXPECT_EQ(page.demonstration_projects_size(), 2);
  ASSERT_FALSE(page.next_page_token().empty());
  list.set_page_token(page.next_page_token());
  v1::ListDemonstrationProjectsResponse rest;
  ASSERT_TRUE(projects().ListDemonstrationProjects(list, &rest).ok());
  ASSERT_EQ(rest.demonstration_projects_size(), 1);
  EXPECT_TRUE(rest.next_page_token().empty());

  list.Clear();
  list.set_sector("transport");
  page.Clear();
  ASSERT_TRUE(projects().ListDemonstrationProjects(list, &page).ok());
  EXPECT_EQ(page.demonstration_projects_size(), 0);
  list.set_district("440300");
  EXPECT_EQ(projects().ListDemonstrationProjects(list, &page).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ProjectIntegrationTest, BadInputAndUnknownSectorsWriteNothing) {
  v1::DemonstrationProject out;
  const absl::Status unknown = Create(AProject("aerospace"), &out);
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(status::FieldViolationsOf(unknown).size(), 1u);
  EXPECT_EQ(status::FieldViolationsOf(unknown)[0].field,
            "demonstration_project.sector");
  v1::DemonstrationProject bad = APilot("440100");
  bad.set_title("");
  *bad.mutable_end_date() = dates::ToDate(absl::CivilDay(2025, 1, 1));
  const absl::Status invalid = Create(bad, &out);
  EXPECT_EQ(invalid.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status::FieldViolationsOf(invalid).size(), 3u);
  EXPECT_EQ(Count("demonstration_projects"), 0);
  EXPECT_EQ(Count("project_status_changes"), 0);

  v1::GetDemonstrationProjectRequest get;
  get.set_name("demonstrationProjects/99");
  EXPECT_EQ(projects().GetDemonstrationProject(get, &out).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ProjectIntegrationTest, ParticipantsAreCheckedInTheRegistry) {
  const v1::DemonstrationProject p = MustCreate(AProject("health_care"));
  v1::DemonstrationProject out;
  ASSERT_TRUE(Join(p.name(), 3, "", &out).ok());
  ASSERT_EQ(out.participants_size(), 1);
  EXPECT_EQ(out.participants(0).organization_display_name(), "示范单位3");
  EXPECT_NE(out.etag(), p.etag());

  const absl::Status unknown = Join(p.name(), 99);
  EXPECT_EQ(unknown.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status::ReasonOf(unknown), "ORGANIZATION_NOT_REGISTERED");
  EXPECT_EQ(status::ReasonOf(Join(p.name(), 22)),
            "ORGANIZATION_NOT_REGISTERED");
  EXPECT_EQ(status::ReasonOf(Join(p.name(), 3)), "PARTICIPANT_EXISTS");

  registry_->SetDown(true);
  const absl::Status down = Join(p.name(), 4, "join-4");
  EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status::ReasonOf(down), "REGISTRY_UNAVAILABLE");
  EXPECT_EQ(Count("project_participants"), 1);
  EXPECT_EQ(Count("idempotency_keys"), 0);
  registry_->SetDown(false);

  v1::RemoveProjectParticipantRequest remove;
  remove.set_name(p.name());
  remove.set_organization(OrgName(3));
  ASSERT_TRUE(projects().RemoveProjectParticipant(remove, &out).ok());
  EXPECT_EQ(out.participants_size(), 0);
  EXPECT_EQ(projects().RemoveProjectParticipant(remove, &out).code(),
            absl::StatusCode::kNotFound);
  remove.set_organization("organizations/123");
  EXPECT_EQ(projects().RemoveProjectParticipant(remove, &out).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ProjectIntegrationTest, TheStatusFlowWithMilestonesAndHistory) {
  const v1::DemonstrationProject p = MustCreate(AProject("transport"));
  v1::ProjectMilestone first, second, out;
  ASSERT_TRUE(AddMilestone(p.name(), absl::CivilDay(2026, 6, 30), &first).ok());
  ASSERT_TRUE(
      AddMilestone(p.name(), absl::CivilDay(2026, 11, 30), &second).ok());
  EXPECT_EQ(first.state(), v1::MILESTONE_STATE_PENDING);
  EXPECT_EQ(AddMilestone(p.name(), absl::CivilDay(2027, 1, 5), &out).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status::ReasonOf(CompleteMilestone(first.name(), &out)),
            "PROJECT_NOT_IN_PROGRESS");
  EXPECT_EQ(
      status::ReasonOf(Transition(p.name(), v1::PROJECT_STATUS_COMPLETED)),
      "INVALID_STATUS_CHANGE");

  ASSERT_TRUE(Transition(p.name(), v1::PROJECT_STATUS_IN_PROGRESS).ok());
  ASSERT_TRUE(CompleteMilestone(first.name(), &out).ok());
  EXPECT_EQ(out.state(), v1::MILESTONE_STATE_COMPLETED);
  EXPECT_EQ(out.evidence(), "深卫健〔2026〕12号 自评报告");
  EXPECT_EQ(status::ReasonOf(CompleteMilestone(first.name(), &out)),
            "MILESTONE_COMPLETED");
  EXPECT_EQ(
      status::ReasonOf(Transition(p.name(), v1::PROJECT_STATUS_COMPLETED)),
      "MILESTONES_OPEN");
  EXPECT_EQ(Transition(p.name(), v1::PROJECT_STATUS_SUSPENDED).code(),
            absl::StatusCode::kInvalidArgument);  // no reason
  now_ += absl::Hours(1);
  ASSERT_TRUE(
      Transition(p.name(), v1::PROJECT_STATUS_SUSPENDED, "评估体系调整").ok());
  ASSERT_TRUE(Transition(p.name(), v1::PROJECT_STATUS_IN_PROGRESS).ok());
  ASSERT_TRUE(CompleteMilestone(second.name(), &out).ok());
  v1::DemonstrationProject done;
  ASSERT_TRUE(
      Transition(p.name(), v1::PROJECT_STATUS_COMPLETED, "验收通过", &done)
          .ok());
  ASSERT_EQ(done.history_size(), 5);
  EXPECT_EQ(done.history(2).status(), v1::PROJECT_STATUS_SUSPENDED);
  EXPECT_EQ(done.history(2).reason(), "评估体系调整");
  EXPECT_EQ(done.history(2).changed_by(), "programme-office");
  EXPECT_EQ(dates::FromTimestamp(done.history(2).change_time()),
            kNow + absl::Hours(1));
  ASSERT_EQ(done.milestones_size(), 2);
  EXPECT_EQ(done.milestones(0).name(), first.name());

  // A completed project is final.
  EXPECT_EQ(status::ReasonOf(
                AddMilestone(p.name(), absl::CivilDay(2026, 12, 1), &out)),
            "PROJECT_CLOSED");
  EXPECT_EQ(status::ReasonOf(Join(p.name(), 5)), "PROJECT_CLOSED");
  EXPECT_EQ(
      status::ReasonOf(Transition(p.name(), v1::PROJECT_STATUS_SUSPENDED, "x")),
      "INVALID_STATUS_CHANGE");
}

TEST_F(ProjectIntegrationTest, UpdatesCheckTheEtagAndTheSectorTable) {
  const v1::DemonstrationProject p = MustCreate(AProject("health_care"));
  v1::UpdateDemonstrationProjectRequest req;
  *req.mutable_demonstration_project() = p;
  req.mutable_demonstration_project()->set_sector("social_organizations");
  req.mutable_demonstration_project()->set_evaluation_system(
      "社会组织等级评估");
  req.mutable_update_mask()->add_paths("sector");
  req.mutable_update_mask()->add_paths("evaluation_system");
  v1::DemonstrationProject out;
  ASSERT_TRUE(projects().UpdateDemonstrationProject(req, &out).ok());
  EXPECT_EQ(out.sector_display_name(), "社会组织");
  EXPECT_EQ(out.evaluation_system(), "社会组织等级评估");
  // The old etag no longer matches.
  const absl::Status stale = projects().UpdateDemonstrationProject(req, &out);
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);
  req.mutable_demonstration_project()->clear_etag();
  req.mutable_demonstration_project()->set_sector("space");
  EXPECT_EQ(projects().UpdateDemonstrationProject(req, &out).code(),
            absl::StatusCode::kInvalidArgument);
  v1::GetDemonstrationProjectRequest get;
  get.set_name(p.name());
  ASSERT_TRUE(projects().GetDemonstrationProject(get, &out).ok());
  EXPECT_EQ(out.sector(), "social_organizations");

  // A shorter period may not leave a milestone outside it.
  v1::ProjectMilestone milestone;
  ASSERT_TRUE(
      AddMilestone(p.name(), absl::CivilDay(2026, 10, 1), &milestone).ok());
  v1::UpdateDemonstrationProjectRequest shorten;
  shorten.mutable_demonstration_project()->set_name(p.name());
  *shorten.mutable_demonstration_project()->mutable_end_date() =
      dates::ToDate(absl::CivilDay(2026, 6, 30));
  shorten.mutable_update_mask()->add_paths("end_date");
  const absl::Status outside =
      projects().UpdateDemonstrationProject(shorten, &out);
  EXPECT_EQ(outside.code(), absl::StatusCode::kInvalidArgument) << outside;
  ASSERT_TRUE(projects().GetDemonstrationProject(get, &out).ok());
  EXPECT_EQ(out.end_date().month(), 12);
}

TEST_F(ProjectIntegrationTest, ConcurrentChangesAreDecidedOneAtATime) {
  const v1::DemonstrationProject p = MustCreate(AProject("education"));
  constexpr int kCallers = 8;
  std::vector<absl::Status> starts(kCallers), joins(kCallers);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kCallers; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      starts[i] = Transition(p.name(), v1::PROJECT_STATUS_IN_PROGRESS);
      joins[i] = Join(p.name(), 7, absl::StrCat("join-", i));
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  int started = 0, joined = 0;
  for (int i = 0; i < kCallers; ++i) {
    if (starts[i].ok()) {
      ++started;
    } else {
      EXPECT_EQ(status::ReasonOf(starts[i]), "INVALID_STATUS_CHANGE")
          << starts[i];
    }
    if (joins[i].ok()) {
      ++joined;
    } else {
      EXPECT_EQ(status::ReasonOf(joins[i]), "PARTICIPANT_EXISTS") << joins[i];
    }
  }
  EXPECT_EQ(started, 1);
  EXPECT_EQ(joined, 1);
  EXPECT_EQ(Count("project_status_changes"), 2);
  EXPECT_EQ(Count("project_participants"), 1);
  // A retry with the request id of the one that joined answers it again.
  for (int i = 0; i < kCallers; ++i) {
    if (!joins[i].ok()) continue;
    v1::DemonstrationProject again;
    ASSERT_TRUE(Join(p.name(), 7, absl::StrCat("join-", i), &again).ok());
    EXPECT_EQ(again.participants_size(), 1);
  }
}

TEST_F(ProjectIntegrationTest, StatisticsAndGaugesCountProjectsByStatus) {
  const v1::DemonstrationProject running = MustCreate(AProject("education"));
  ASSERT_TRUE(Transition(running.name(), v1::PROJECT_STATUS_IN_PROGRESS).ok());
  MustCreate(AProject("health_care"));
  MustCreate(APilot("440305"));
  v1::DemonstrationProject later = AProject("transport");
  *later.mutable_start_date() = dates::ToDate(absl::CivilDay(2028, 1, 1));
  *later.mutable_end_date() = dates::ToDate(absl::CivilDay(2028, 12, 31));
  MustCreate(later);

  v1::GetDemoBaseStatisticsRequest req;
  req.set_year(2026);
  v1::DemoBaseStatistics stats;
  ASSERT_TRUE(demobase_->compliance().GetDemoBaseStatistics(req, &stats).ok());
  ASSERT_EQ(stats.projects_by_status_size(), 4);
  EXPECT_EQ(stats.projects_by_status(0).status(), v1::PROJECT_STATUS_PLANNED);
  EXPECT_EQ(stats.projects_by_status(0).industry_projects(), 1);
  EXPECT_EQ(stats.projects_by_status(0).district_pilots(), 1);
  EXPECT_EQ(stats.projects_by_status(1).status(),
            v1::PROJECT_STATUS_IN_PROGRESS);
  EXPECT_EQ(stats.projects_by_status(1).industry_projects(), 1);
  EXPECT_EQ(stats.projects_by_status(2).industry_projects(), 0);

  CreateBase(1);
  prometheus::Registry registry;
  StatisticsGauges gauges(registry, demobase_->compliance(),
                          [this] { return now_; });
  ASSERT_TRUE(gauges.Refresh().ok());
  double designated = -1, planned_pilots = -1, running_projects = -1;
  for (const auto& family : registry.Collect()) {
    if (family.name == "qpp_demobase_bases_designated_current_year") {
      designated = family.metric.at(0).gauge.value;
    }
    if (family.name != "qpp_demobase_projects_current_year") continue;
    EXPECT_EQ(family.metric.size(), 8u);
    for (const auto& m : family.metric) {
      std::map<std::string, std::string> labels;
      for (const auto& l : m.label) labels[l.name] = l.value;
      if (labels["scope"] == "district" && labels["status"] == "planned") {
        planned_pilots = m.gauge.value;
      }
      if (labels["scope"] == "industry" && labels["status"] == "in_progress") {
        running_projects = m.gauge.value;
      }
    }
  }
  EXPECT_EQ(designated, 1);
  EXPECT_EQ(planned_pilots, 1);
  EXPECT_EQ(running_projects, 1);
}

}  // namespace
}  // namespace qpp::demobase
