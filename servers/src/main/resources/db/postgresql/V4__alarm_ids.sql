-- Several KMS processes on one database raise and acknowledge alarms on the same table: the
-- database numbers them, so that two processes never give one number to two alarms (and an
-- acknowledgement never lands on another alarm). Continues after the alarms already kept.

CREATE SEQUENCE alarm_ids OWNED BY alarms.id;
SELECT setval('alarm_ids', (SELECT COALESCE(max(id), 0) + 1 FROM alarms), false);
ALTER TABLE alarms ALTER COLUMN id SET DEFAULT nextval('alarm_ids');
