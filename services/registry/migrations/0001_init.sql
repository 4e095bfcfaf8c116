-- Registry schema: organisations and their quality record, plus the
-- reference data (districts, GB/T 4754 sections, SME rules, GB/T 19580 score
-- sheet) kept as data so that a revision is a data change.

CREATE TABLE IF NOT EXISTS districts (
  code VARCHAR(16) NOT NULL PRIMARY KEY,
  name VARCHAR(50) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS industry_sections (
  section CHAR(1) NOT NULL PRIMARY KEY,
  name VARCHAR(50) NOT NULL,
  division_from TINYINT UNSIGNED NOT NULL,
  division_to TINYINT UNSIGNED NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- SME size rules. A rule applies to industry codes starting with
-- code_prefix (longest prefix wins; '' is the fallback for unlisted
-- industries) within the rule set in force on a date. A class is reached when
-- every non-NULL threshold of it is met; below small is micro.
CREATE TABLE IF NOT EXISTS sme_rules (
  rule_set VARCHAR(32) NOT NULL,
  effective_from DATE NOT NULL,
  code_prefix VARCHAR(4) NOT NULL,
  group_name VARCHAR(50) NOT NULL,
  large_employees BIGINT NULL,
  large_revenue_yuan BIGINT NULL,
  large_assets_yuan BIGINT NULL,
  medium_employees BIGINT NULL,
  medium_revenue_yuan BIGINT NULL,
  medium_assets_yuan BIGINT NULL,
  small_employees BIGINT NULL,
  small_revenue_yuan BIGINT NULL,
  small_assets_yuan BIGINT NULL,
  PRIMARY KEY (rule_set, code_prefix)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS score_sheets (
  version VARCHAR(32) NOT NULL PRIMARY KEY,
  effective_from DATE NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS score_sheet_categories (
  version VARCHAR(32) NOT NULL,
  category_code VARCHAR(8) NOT NULL,
  title VARCHAR(50) NOT NULL,
  max_points INT NOT NULL,
  PRIMARY KEY (version, category_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS score_sheet_items (
  version VARCHAR(32) NOT NULL,
  item_code VARCHAR(8) NOT NULL,
  category_code VARCHAR(8) NOT NULL,
  title VARCHAR(50) NOT NULL,
  max_points INT NOT NULL,
  PRIMARY KEY (version, item_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS organizations (
  uscc CHAR(18) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  display_name VARCHAR(200) NOT NULL,
  kind TINYINT NOT NULL,
  district_code VARCHAR(16) NOT NULL,
  industry_code VARCHAR(4) NOT NULL,
  industry_section CHAR(1) NOT NULL,
  employees BIGINT NOT NULL,
  annual_revenue_yuan BIGINT NOT NULL,
  total_assets_yuan BIGINT NOT NULL,
  size_class TINYINT NOT NULL,
  size_rule_version VARCHAR(32) NOT NULL,
  flag_listing_cultivation TINYINT(1) NOT NULL DEFAULT 0,
  flag_high_tech TINYINT(1) NOT NULL DEFAULT 0,
  flag_growth TINYINT(1) NOT NULL DEFAULT 0,
  flag_exemplary_public_service TINYINT(1) NOT NULL DEFAULT 0,
  credit_standing TINYINT NOT NULL,
  credit_since DATE NULL,
  credit_reason VARCHAR(500) NOT NULL DEFAULT '',
  adoption_status TINYINT NOT NULL,
  introducing_date DATE NULL,
  adopted_date DATE NULL,
  benchmark_date DATE NULL,
  -- Contacts are personal data: AES-256-GCM, bound to the USCC.
  contacts_encrypted VARBINARY(16384) NULL,
  state TINYINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  delete_time DATETIME(6) NULL,
  version BIGINT NOT NULL,
  KEY idx_district (district_code),
  KEY idx_section (industry_section),
  KEY idx_industry (industry_code),
  KEY idx_size (size_class),
  KEY idx_adoption (adoption_status),
  KEY idx_state (state),
  CONSTRAINT fk_org_district FOREIGN KEY (district_code) REFERENCES districts (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS award_records (
  uscc CHAR(18) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  year SMALLINT NOT NULL,
  level TINYINT NOT NULL,
  category VARCHAR(50) NOT NULL,
  citation VARCHAR(500) NOT NULL DEFAULT '',
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (uscc, year),
  KEY idx_year (year),
  KEY idx_level (level),
  CONSTRAINT fk_award_org FOREIGN KEY (uscc) REFERENCES organizations (uscc)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS self_assessments (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  uscc CHAR(18) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  sheet_version VARCHAR(32) NOT NULL,
  assessment_date DATE NOT NULL,
  assessor_certificate VARCHAR(40) NOT NULL,
  -- Sum of percent x points over items; total points = total_centi / 100.
  total_centi INT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  KEY idx_org_date (uscc, assessment_date),
  CONSTRAINT fk_assessment_org FOREIGN KEY (uscc) REFERENCES organizations (uscc)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS self_assessment_items (
  assessment_id BIGINT NOT NULL,
  item_code VARCHAR(8) NOT NULL,
  percent TINYINT NOT NULL,
  PRIMARY KEY (assessment_id, item_code),
  CONSTRAINT fk_item_assessment FOREIGN KEY (assessment_id) REFERENCES self_assessments (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS benchmark_designations (
  uscc CHAR(18) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  year SMALLINT NOT NULL,
  industry_code VARCHAR(4) NOT NULL,
  industry_section CHAR(1) NOT NULL,
  citation VARCHAR(500) NOT NULL DEFAULT '',
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (uscc, year),
  KEY idx_year (year),
  CONSTRAINT fk_benchmark_org FOREIGN KEY (uscc) REFERENCES organizations (uscc)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS partnerships (
  uscc CHAR(18) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  start_date DATE NULL,
  remarks VARCHAR(500) NOT NULL DEFAULT '',
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  version BIGINT NOT NULL,
  CONSTRAINT fk_partner_org FOREIGN KEY (uscc) REFERENCES organizations (uscc)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS partnership_industries (
  partner_uscc CHAR(18) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  industry_code VARCHAR(4) NOT NULL,
  PRIMARY KEY (partner_uscc, industry_code),
  KEY idx_industry (industry_code),
  CONSTRAINT fk_pi_partner FOREIGN KEY (partner_uscc) REFERENCES partnerships (uscc) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS partnership_members (
  partner_uscc CHAR(18) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  member_uscc CHAR(18) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  PRIMARY KEY (partner_uscc, member_uscc),
  CONSTRAINT fk_pm_partner FOREIGN KEY (partner_uscc) REFERENCES partnerships (uscc) ON DELETE CASCADE,
  CONSTRAINT fk_pm_member FOREIGN KEY (member_uscc) REFERENCES organizations (uscc)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS idempotency_keys (
  request_id VARCHAR(64) NOT NULL PRIMARY KEY,
  method VARCHAR(128) NOT NULL,
  fingerprint CHAR(64) NOT NULL,
  response LONGBLOB NULL,
  created_at DATETIME(6) NOT NULL,
  KEY idx_created (created_at)
) ENGINE=InnoDB;

-- Shenzhen districts (GB/T 2260); DAPENG and SHENSHAN have no county code.
INSERT IGNORE INTO districts (code, name) VALUES
  ('440303', '罗湖区'),
  ('440304', '福田区'),
  ('440305', '南山区'),
  ('440306', '宝安区'),
  ('440307', '龙岗区'),
  ('440308', '盐田区'),
  ('440309', '龙华区'),
  ('440310', '坪山区'),
  ('440311', '光明区'),
  ('DAPENG', '大鹏新区'),
  ('SHENSHAN', '深汕特别合作区');

-- GB/T 4754-2017 sections and their division ranges.
INSERT IGNORE INTO industry_sections (section, name, division_from, division_to) VALUES
  ('A', '农、林、牧、渔业', 1, 5),
  ('B', '采矿业', 6, 12),
  ('C', '制造业', 13, 43),
  ('D', '电力、热力、燃气及水生产和供应业', 44, 46),
  ('E', '建筑业', 47, 50),
  ('F', '批发和零售业', 51, 52),
  ('G', '交通运输、仓储和邮政业', 53, 60),
  ('H', '住宿和餐饮业', 61, 62),
  ('I', '信息传输、软件和信息技术服务业', 63, 65),
  ('J', '金融业', 66, 69),
  ('K', '房地产业', 70, 70),
  ('L', '租赁和商务服务业', 71, 72),
  ('M', '科学研究和技术服务业', 73, 75),
  ('N', '水利、环境和公共设施管理业', 76, 79),
  ('O', '居民服务、修理和其他服务业', 80, 82),
  ('P', '教育', 83, 83),
  ('Q', '卫生和社会工作', 84, 85),
  ('R', '文化、体育和娱乐业', 86, 90),
  ('S', '公共管理、社会保障和社会组织', 91, 96),
  ('T', '国际组织', 97, 97);

-- SME rules of 工信部联企业〔2011〕300号 (amounts in yuan).
INSERT IGNORE INTO sme_rules (rule_set, effective_from, code_prefix, group_name,
  large_employees, large_revenue_yuan, large_assets_yuan,
  medium_employees, medium_revenue_yuan, medium_assets_yuan,
  small_employees, small_revenue_yuan, small_assets_yuan) VALUES
  ('2011-300', '2011-06-18', '01', '农、林、牧、渔业', NULL, 200000000, NULL, NULL, 5000000, NULL, NULL, 500000, NULL),
  ('2011-300', '2011-06-18', '02', '农、林、牧、渔业', NULL, 200000000, NULL, NULL, 5000000, NULL, NULL, 500000, NULL),
  ('2011-300', '2011-06-18', '03', '农、林、牧、渔业', NULL, 200000000, NULL, NULL, 5000000, NULL, NULL, 500000, NULL),
  ('2011-300', '2011-06-18', '04', '农、林、牧、渔业', NULL, 200000000, NULL, NULL, 5000000, NULL, NULL, 500000, NULL),
  ('2011-300', '2011-06-18', '05', '农、林、牧、渔业', NULL, 200000000, NULL, NULL, 5000000, NULL, NULL, 500000, NULL),
  ('2011-300', '2011-06-18', '06', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '07', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '08', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '09', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '10', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '11', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '12', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '13', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '14', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '15', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '16', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '17', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '18', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '19', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '20', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '21', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '22', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '23', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '24', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '25', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '26', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '27', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '28', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '29', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '30', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '31', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '32', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '33', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '34', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '35', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '36', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '37', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '38', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '39', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '40', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '41', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '42', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '43', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '44', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '45', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '46', '工业', 1000, 400000000, NULL, 300, 20000000, NULL, 20, 3000000, NULL),
  ('2011-300', '2011-06-18', '47', '建筑业', NULL, 800000000, 800000000, NULL, 60000000, 50000000, NULL, 3000000, 3000000),
  ('2011-300', '2011-06-18', '48', '建筑业', NULL, 800000000, 800000000, NULL, 60000000, 50000000, NULL, 3000000, 3000000),
  ('2011-300', '2011-06-18', '49', '建筑业', NULL, 800000000, 800000000, NULL, 60000000, 50000000, NULL, 3000000, 3000000),
  ('2011-300', '2011-06-18', '50', '建筑业', NULL, 800000000, 800000000, NULL, 60000000, 50000000, NULL, 3000000, 3000000),
  ('2011-300', '2011-06-18', '51', '批发业', 200, 400000000, NULL, 20, 50000000, NULL, 5, 10000000, NULL),
  ('2011-300', '2011-06-18', '52', '零售业', 300, 200000000, NULL, 50, 5000000, NULL, 10, 1000000, NULL),
  ('2011-300', '2011-06-18', '53', '交通运输业', 1000, 300000000, NULL, 300, 30000000, NULL, 20, 2000000, NULL),
  ('2011-300', '2011-06-18', '54', '交通运输业', 1000, 300000000, NULL, 300, 30000000, NULL, 20, 2000000, NULL),
  ('2011-300', '2011-06-18', '55', '交通运输业', 1000, 300000000, NULL, 300, 30000000, NULL, 20, 2000000, NULL),
  ('2011-300', '2011-06-18', '56', '交通运输业', 1000, 300000000, NULL, 300, 30000000, NULL, 20, 2000000, NULL),
  ('2011-300', '2011-06-18', '57', '交通运输业', 1000, 300000000, NULL, 300, 30000000, NULL, 20, 2000000, NULL),
  ('2011-300', '2011-06-18', '58', '交通运输业', 1000, 300000000, NULL, 300, 30000000, NULL, 20, 2000000, NULL),
  ('2011-300', '2011-06-18', '59', '仓储业', 200, 300000000, NULL, 100, 10000000, NULL, 20, 1000000, NULL),
  ('2011-300', '2011-06-18', '60', '邮政业', 1000, 300000000, NULL, 300, 20000000, NULL, 20, 1000000, NULL),
  ('2011-300', '2011-06-18', '61', '住宿业', 300, 100000000, NULL, 100, 20000000, NULL, 10, 1000000, NULL),
  ('2011-300', '2011-06-18', '62', '餐饮业', 300, 100000000, NULL, 100, 20000000, NULL, 10, 1000000, NULL),
  ('2011-300', '2011-06-18', '63', '信息传输业', 2000, 1000000000, NULL, 100, 10000000, NULL, 10, 1000000, NULL),
  ('2011-300', '2011-06-18', '64', '信息传输业', 2000, 1000000000, NULL, 100, 10000000, NULL, 10, 1000000, NULL),
  ('2011-300', '2011-06-18', '65', '软件和信息技术服务业', 300, 100000000, NULL, 100, 10000000, NULL, 10, 500000, NULL),
  ('2011-300', '2011-06-18', '701', '房地产开发经营', NULL, 2000000000, 100000000, NULL, 10000000, 50000000, NULL, 1000000, 20000000),
  ('2011-300', '2011-06-18', '702', '物业管理', 1000, 50000000, NULL, 300, 10000000, NULL, 100, 5000000, NULL),
  ('2011-300', '2011-06-18', '71', '租赁和商务服务业', 300, NULL, 1200000000, 100, NULL, 80000000, 10, NULL, 1000000),
  ('2011-300', '2011-06-18', '72', '租赁和商务服务业', 300, NULL, 1200000000, 100, NULL, 80000000, 10, NULL, 1000000),
  ('2011-300', '2011-06-18', '', '其他未列明行业', 300, NULL, NULL, 100, NULL, NULL, 10, NULL, NULL);

-- GB/T 19580-2012 score sheet: 1000 points, 600 process and 400 results.
INSERT IGNORE INTO score_sheets (version, effective_from) VALUES ('GB-T19580-2012', '2012-08-01');

INSERT IGNORE INTO score_sheet_categories (version, category_code, title, max_points) VALUES
  ('GB-T19580-2012', '4.1', '领导', 110),
  ('GB-T19580-2012', '4.2', '战略', 90),
  ('GB-T19580-2012', '4.3', '顾客与市场', 90),
  ('GB-T19580-2012', '4.4', '资源', 130),
  ('GB-T19580-2012', '4.5', '过程管理', 100),
  ('GB-T19580-2012', '4.6', '测量、分析与改进', 80),
  ('GB-T19580-2012', '4.7', '结果', 400);

INSERT IGNORE INTO score_sheet_items (version, item_code, category_code, title, max_points) VALUES
  ('GB-T19580-2012', '4.1.1', '4.1', '高层领导的作用', 50),
  ('GB-T19580-2012', '4.1.2', '4.1', '组织治理', 30),
  ('GB-T19580-2012', '4.1.3', '4.1', '社会责任', 30),
  ('GB-T19580-2012', '4.2.1', '4.2', '战略制定', 40),
  ('GB-T19580-2012', '4.2.2', '4.2', '战略部署', 50),
  ('GB-T19580-2012', '4.3.1', '4.3', '顾客和市场的了解', 40),
  ('GB-T19580-2012', '4.3.2', '4.3', '顾客关系与顾客满意', 50),
  ('GB-T19580-2012', '4.4.1', '4.4', '人力资源', 60),
  ('GB-T19580-2012', '4.4.2', '4.4', '财务资源', 15),
  ('GB-T19580-2012', '4.4.3', '4.4', '信息和知识资源', 20),
  ('GB-T19580-2012', '4.4.4', '4.4', '技术资源', 15),
  ('GB-T19580-2012', '4.4.5', '4.4', '基础设施', 10),
  ('GB-T19580-2012', '4.4.6', '4.4', '相关方关系', 10),
  ('GB-T19580-2012', '4.5.1', '4.5', '过程的识别与设计', 50),
  ('GB-T19580-2012', '4.5.2', '4.5', '过程的实施与改进', 50),
  ('GB-T19580-2012', '4.6.1', '4.6', '测量、分析和评价', 40),
  ('GB-T19580-2012', '4.6.2', '4.6', '改进与创新', 40),
  ('GB-T19580-2012', '4.7.1', '4.7', '产品和服务结果', 80),
  ('GB-T19580-2012', '4.7.2', '4.7', '顾客与市场结果', 80),
  ('GB-T19580-2012', '4.7.3', '4.7', '财务结果', 80),
  ('GB-T19580-2012', '4.7.4', '4.7', '资源结果', 60),
  ('GB-T19580-2012', '4.7.5', '4.7', '过程有效性结果', 50),
  ('GB-T19580-2012', '4.7.6', '4.7', '领导方面的结果', 50);
