-- Industry demonstration projects (行业示范工程) and the district pilots of
-- 质量强区. Sectors are data: a project's sector must be a row of
-- project_sectors, and a new sector is a new row. scope: 1 industry,
-- 2 district pilot (district "4403xx", else ''). status: 1 planned,
-- 2 in progress, 3 completed, 4 suspended.
CREATE TABLE IF NOT EXISTS project_sectors (
  code VARCHAR(40) NOT NULL PRIMARY KEY,
  display_name VARCHAR(100) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO project_sectors (code, display_name) VALUES
  ('education', '教育'),
  ('health_care', '医疗卫生'),
  ('transport', '交通运输'),
  ('social_organizations', '社会组织'),
  ('public_utilities', '公用事业'),
  ('other', '其他');

CREATE TABLE IF NOT EXISTS demonstration_projects (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  title VARCHAR(200) NOT NULL,
  scope TINYINT UNSIGNED NOT NULL,
  sector VARCHAR(40) NULL,
  district CHAR(6) NOT NULL DEFAULT '',
  lead_department VARCHAR(100) NOT NULL,
  evaluation_system VARCHAR(200) NOT NULL,
  start_date DATE NOT NULL,
  end_date DATE NOT NULL,
  status TINYINT UNSIGNED NOT NULL,
  status_reason VARCHAR(500) NOT NULL DEFAULT '',
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  version BIGINT NOT NULL,
  KEY idx_sector (sector, id),
  KEY idx_district (district, id),
  KEY idx_status (status, id),
  CONSTRAINT fk_projects_sector FOREIGN KEY (sector)
    REFERENCES project_sectors (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every status a project has had, the creation first.
CREATE TABLE IF NOT EXISTS project_status_changes (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  project_id BIGINT NOT NULL,
  status TINYINT UNSIGNED NOT NULL,
  reason VARCHAR(500) NOT NULL,
  changed_by VARCHAR(200) NOT NULL,
  change_time DATETIME(6) NOT NULL,
  KEY idx_project (project_id, id),
  CONSTRAINT fk_project_changes_project FOREIGN KEY (project_id)
    REFERENCES demonstration_projects (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The participating organisations; their names are the registry's answer
-- when they were added.
CREATE TABLE IF NOT EXISTS project_participants (
  project_id BIGINT NOT NULL,
  organization_uscc CHAR(18) NOT NULL,
  organization_display_name VARCHAR(200) NOT NULL,
  role VARCHAR(50) NOT NULL,
  add_time DATETIME(6) NOT NULL,
  PRIMARY KEY (project_id, organization_uscc),
  CONSTRAINT fk_participants_project FOREIGN KEY (project_id)
    REFERENCES demonstration_projects (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Milestones. state: 1 pending, 2 completed.
CREATE TABLE IF NOT EXISTS project_milestones (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  project_id BIGINT NOT NULL,
  title VARCHAR(200) NOT NULL,
  due_date DATE NOT NULL,
  state TINYINT UNSIGNED NOT NULL,
  completed_date DATE NULL,
  evidence VARCHAR(1000) NOT NULL DEFAULT '',
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  KEY idx_project (project_id, due_date, id),
  CONSTRAINT fk_milestones_project FOREIGN KEY (project_id)
    REFERENCES demonstration_projects (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
