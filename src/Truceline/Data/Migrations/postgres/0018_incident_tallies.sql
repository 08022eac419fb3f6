-- Incidents keep the running sums of their reports (issue 3), so grouping adds a report without re-reading the others.
ALTER TABLE incidents ADD COLUMN tally text NULL;
