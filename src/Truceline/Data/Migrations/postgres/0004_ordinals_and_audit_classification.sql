-- History rows are numbered per provision (and per metric); the database refuses two with the same number.
CREATE UNIQUE INDEX ux_status_changes_provision_ordinal ON status_changes (provision_id, ordinal);
CREATE UNIQUE INDEX ux_deadline_amendments_provision_ordinal ON deadline_amendments (provision_id, ordinal);
CREATE UNIQUE INDEX ux_observations_metric_ordinal ON observations (metric_id, ordinal);
DROP INDEX ix_status_changes_provision;
DROP INDEX ix_deadline_amendments_provision;
-- An audit entry is as visible as the record it describes.
ALTER TABLE audit_entries ADD COLUMN classification text NOT NULL DEFAULT 'Public';
ALTER TABLE audit_entries ADD COLUMN owner_organisation_id uuid NULL;
ALTER TABLE audit_entries ADD COLUMN confidential_to text NULL;
