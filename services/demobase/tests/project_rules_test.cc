// The rules of demonstration projects, in memory.

#include "services/demobase/src/project_rules.h"

#include "common/dates/dates.h"
#include "gtest/gtest.h"

namespace qpp::demobase {
namespace {

v1::DemonstrationProject AnIndustryProject() {
  v1::DemonstrationProject p;
  p.set_title("卓越绩效模式引入义务教育学校办学水平评估");
  p.set_scope(v1::PROJECT_SCOPE_INDUSTRY);
  p.set_sector("education");
  p.set_lead_department("市教育局");
  p.set_evaluation_system("义务教育学校办学水平评估");
  *p.mutable_start_date() = dates::ToDate(absl::CivilDay(2026, 1, 1));
  *p.mutable_end_date() = dates::ToDate(absl::CivilDay(2027, 12, 31));
  return p;
}

ProjectRecord WithStatus(v1::ProjectStatus status) {
  ProjectRecord r;
  r.id = 7;
  r.status = status;
  r.start_date = absl::CivilDay(2026, 1, 1);
  r.end_date = absl::CivilDay(2026, 12, 31);
  return r;
}

TEST(ProjectRulesTest, AValidIndustryProjectStartsPlanned) {
  status::FieldErrors errors;
  const ProjectRecord r = NewProjectRecord(AnIndustryProject(), errors);
  EXPECT_TRUE(errors.empty()) << errors.ToStatus();
  EXPECT_EQ(r.status, v1::PROJECT_STATUS_PLANNED);
  EXPECT_EQ(r.sector, "education");
  EXPECT_EQ(r.end_date, absl::CivilDay(2027, 12, 31));
}

TEST(ProjectRulesTest, AnIndustryProjectNeedsASectorAndNoDistrict) {
  v1::DemonstrationProject p = AnIndustryProject();
  p.clear_sector();
  p.set_district("440305");
  status::FieldErrors errors;
  NewProjectRecord(p, errors);
  EXPECT_EQ(errors.fields(),
            (std::vector<std::string>{"demonstration_project.sector",
                                      "demonstration_project.district"}));
}

TEST(ProjectRulesTest, ADistrictPilotNeedsAShenzhenDistrict) {
  v1::DemonstrationProject p = AnIndustryProject();
  p.set_scope(v1::PROJECT_SCOPE_DISTRICT);
  p.clear_sector();
  for (const char* bad : {"", "440300", "440105", "44030", "4403ab"}) {
    p.set_district(bad);
    status::FieldErrors errors;
    NewProjectRecord(p, errors);
    EXPECT_EQ(errors.fields(),
              std::vector<std::string>{"demonstration_project.district"})
        << bad;
  }
  p.set_district("440305");
  status::FieldErrors errors;
  NewProjectRecord(p, errors);
  EXPECT_TRUE(errors.empty()) << errors.ToStatus();
}

TEST(ProjectRulesTest, BadFieldsAreEachNamed) {
  v1::DemonstrationProject p = AnIndustryProject();
  p.set_scope(v1::PROJECT_SCOPE_UNSPECIFIED);
  p.set_title("");
  p.set_sector("Health Care");
  p.set_lead_department("");
  p.clear_evaluation_system();
  *p.mutable_end_date() = dates::ToDate(absl::CivilDay(2025, 12, 31));
  status::FieldErrors errors;
  NewProjectRecord(p, errors);
  EXPECT_EQ(
      errors.fields(),
      (std::vector<std::string>{
          "demonstration_project.title", "demonstration_project.sector",
          "demonstration_project.lead_department",
          "demonstration_project.evaluation_system",
          "demonstration_project.scope", "demonstration_project.end_date"}));
}

TEST(ProjectRulesTest, TheStatusFlow) {
  using v1::ProjectStatus;
  const ProjectStatus planned = v1::PROJECT_STATUS_PLANNED;
  const ProjectStatus running = v1::PROJECT_STATUS_IN_PROGRESS;
  const ProjectStatus done = v1::PROJECT_STATUS_COMPLETED;
  const ProjectStatus held = v1::PROJECT_STATUS_SUSPENDED;
  const std::vector<std::pair<ProjectStatus, ProjectStatus>> allowed = {
      {planned, running},
      {planned, held},
      {running, done},
      {running, held},
      {held, running}};
  for (ProjectStatus from : {planned, running, done, held}) {
    for (ProjectStatus to : {planned, running, done, held}) {
      const bool ok = std::find(allowed.begin(), allowed.end(),
                                std::make_pair(from, to)) != allowed.end();
      const absl::Status s = CheckProjectTransition(WithStatus(from), to, 0);
      EXPECT_EQ(s.ok(), ok) << v1::ProjectStatus_Name(from) << " -> "
                            << v1::ProjectStatus_Name(to);
      if (!ok) EXPECT_EQ(status::ReasonOf(s), "INVALID_STATUS_CHANGE");
    }
  }
}

TEST(ProjectRulesTest, CompletionWaitsForEveryMilestone) {
  const absl::Status s =
      CheckProjectTransition(WithStatus(v1::PROJECT_STATUS_IN_PROGRESS),
                             v1::PROJECT_STATUS_COMPLETED, 2);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status::ReasonOf(s), "MILESTONES_OPEN");
}

TEST(ProjectRulesTest, SuspendingNeedsAReason) {
  status::FieldErrors errors;
  ValidateTransition(v1::PROJECT_STATUS_SUSPENDED, "", errors);
  ValidateTransition(v1::PROJECT_STATUS_UNSPECIFIED, "", errors);
  EXPECT_EQ(errors.fields(), (std::vector<std::string>{"reason", "status"}));
  status::FieldErrors fine;
  ValidateTransition(v1::PROJECT_STATUS_IN_PROGRESS, "", fine);
  EXPECT_TRUE(fine.empty());
}

TEST(ProjectRulesTest, ACompletedProjectIsClosed) {
  EXPECT_TRUE(CheckProjectOpen(WithStatus(v1::PROJECT_STATUS_SUSPENDED)).ok());
  EXPECT_EQ(status::ReasonOf(
                CheckProjectOpen(WithStatus(v1::PROJECT_STATUS_COMPLETED))),
            "PROJECT_CLOSED");
}

TEST(ProjectRulesTest, MilestonesAreDueWithinThePeriodAndCompletedInProgress) {
  status::FieldErrors errors;
  v1::ProjectMilestone m;
  m.set_title("完成首轮自评");
  *m.mutable_due_date() = dates::ToDate(absl::CivilDay(2027, 1, 15));
  auto record = NewMilestoneRecord(m, errors);
  ASSERT_TRUE(record.has_value());
  const ProjectRecord project = WithStatus(v1::PROJECT_STATUS_PLANNED);
  EXPECT_EQ(CheckMilestoneDue(project, *record).code(),
            absl::StatusCode::kInvalidArgument);
  record->due_date = absl::CivilDay(2026, 6, 30);
  EXPECT_TRUE(CheckMilestoneDue(project, *record).ok());
  EXPECT_EQ(status::ReasonOf(CheckMilestoneCompletion(project, *record)),
            "PROJECT_NOT_IN_PROGRESS");
  record->state = v1::MILESTONE_STATE_COMPLETED;
  EXPECT_EQ(status::ReasonOf(CheckMilestoneCompletion(
                WithStatus(v1::PROJECT_STATUS_IN_PROGRESS), *record)),
            "MILESTONE_COMPLETED");
}

TEST(ProjectRulesTest, AChangedPeriodKeepsEveryMilestoneWithin) {
  ProjectRecord project = WithStatus(v1::PROJECT_STATUS_IN_PROGRESS);
  MilestoneRecord m;
  m.project_id = 7;
  m.id = 3;
  m.due_date = absl::CivilDay(2026, 6, 30);
  EXPECT_TRUE(CheckMilestonesWithinPeriod(project, {m}).ok());
  project.end_date = absl::CivilDay(2026, 5, 31);
  const absl::Status s = CheckMilestonesWithinPeriod(project, {m});
  ASSERT_EQ(status::FieldViolationsOf(s).size(), 1u);
  EXPECT_EQ(status::FieldViolationsOf(s)[0].field,
            "demonstration_project.end_date");
  EXPECT_NE(status::FieldViolationsOf(s)[0].description.find(
                "demonstrationProjects/7/milestones/3"),
            std::string::npos)
      << s;
}

TEST(ProjectRulesTest, ACompletionIsNotInTheFutureAndHasEvidence) {
  v1::CompleteProjectMilestoneRequest req;
  *req.mutable_completed_date() = dates::ToDate(absl::CivilDay(2026, 3, 3));
  status::FieldErrors errors;
  ValidateCompletion(req, absl::CivilDay(2026, 3, 2), errors);
  EXPECT_EQ(errors.fields(),
            (std::vector<std::string>{"completed_date", "evidence"}));
}

TEST(ProjectRulesTest, UpdatesNameTheirFieldsAndKeepThePeriodOrdered) {
  google::protobuf::FieldMask mask;
  mask.add_paths("district");
  EXPECT_EQ(ProjectUpdatePaths(mask).status().code(),
            absl::StatusCode::kInvalidArgument);
  mask.Clear();
  mask.add_paths("end_date");
  mask.add_paths("sector");
  auto paths = ProjectUpdatePaths(mask);
  ASSERT_TRUE(paths.ok());
  ProjectRecord current = WithStatus(v1::PROJECT_STATUS_PLANNED);
  current.scope = v1::PROJECT_SCOPE_INDUSTRY;
  current.sector = "education";
  v1::DemonstrationProject patch;
  *patch.mutable_end_date() = dates::ToDate(absl::CivilDay(2025, 1, 1));
  status::FieldErrors errors;
  ApplyProjectUpdate(current, patch, *paths, errors);
  EXPECT_EQ(errors.fields(),
            (std::vector<std::string>{"demonstration_project.sector",
                                      "demonstration_project.end_date"}));
  patch.set_sector("health_care");
  *patch.mutable_end_date() = dates::ToDate(absl::CivilDay(2028, 1, 1));
  status::FieldErrors none;
  const ProjectRecord updated =
      ApplyProjectUpdate(current, patch, *paths, none);
  EXPECT_TRUE(none.empty()) << none.ToStatus();
  EXPECT_EQ(updated.sector, "health_care");
  EXPECT_EQ(updated.end_date, absl::CivilDay(2028, 1, 1));
}

TEST(ProjectRulesTest, NamesRoundTrip) {
  EXPECT_EQ(*ParseProjectName(ProjectName(12), "name"), 12);
  const auto key = ParseMilestoneName(MilestoneName(12, 3), "name");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->first, 12);
  EXPECT_EQ(key->second, 3);
  EXPECT_FALSE(ParseProjectName("demonstrationProjects/x", "name").ok());
  EXPECT_FALSE(
      ParseMilestoneName("demonstrationProjects/1/milestones/0", "name").ok());
}

}  // namespace
}  // namespace qpp::demobase
