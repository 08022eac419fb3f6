-- Grouping takes the reports awaiting it in id order, a thousand at a time (issue 3). On the incident id alone the
-- index gave every waiting report, which were then sorted for each batch: with half a million waiting after a burst,
-- a batch cost more than grouping it. With the id after the incident's, the waiting reports come in order and the
-- read stops at the thousandth; the index still finds an incident's reports as before.
DROP INDEX ix_reports_incident;
CREATE INDEX ix_reports_incident ON reports (incident_id, id);
