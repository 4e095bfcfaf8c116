-- GB/T 19580-2012 numbers each category's general clause (总则) 4.x.1 and
-- its scored items from 4.x.2 on (4.1.2 高层领导的作用 50, 4.1.3 组织治理 30,
-- 4.1.4 社会责任 30, ... 4.7.7 领导方面的结果 50). 0001 numbered the scored
-- items from 4.x.1, one below the standard, so forms keyed to the standard
-- mapped to the wrong items. Every item code of the 2012 sheet, and of the
-- assessments scored on it, moves up by one. Done through a prefix so that
-- no intermediate code collides with an existing one.

UPDATE score_sheet_items
  SET item_code = CONCAT('x', SUBSTRING_INDEX(item_code, '.', 2), '.',
                         SUBSTRING_INDEX(item_code, '.', -1) + 1)
  WHERE version = 'GB-T19580-2012';

UPDATE score_sheet_items
  SET item_code = SUBSTRING(item_code, 2)
  WHERE version = 'GB-T19580-2012' AND item_code LIKE 'x%';

UPDATE self_assessment_items
  SET item_code = CONCAT('x', SUBSTRING_INDEX(item_code, '.', 2), '.',
                         SUBSTRING_INDEX(item_code, '.', -1) + 1)
  WHERE assessment_id IN (SELECT id FROM self_assessments
                          WHERE sheet_version = 'GB-T19580-2012');

UPDATE self_assessment_items
  SET item_code = SUBSTRING(item_code, 2)
  WHERE item_code LIKE 'x%';
