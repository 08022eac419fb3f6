-- Daily incident counts kept by the database itself (issue 3; DESIGN.md's rollups): one row per day, type, governorate,
-- state and classification, adjusted by a trigger in the very statement that inserts, updates or deletes an incident,
-- so no code path (grouping, merge, split, a state change, an import, COPY) can leave them behind. A year's counts
-- then read a few thousand rows, not a million. A governorate not known is ''.
CREATE TABLE incident_daily (
    day date NOT NULL,
    event_type text NOT NULL,
    governorate_code text NOT NULL,
    state text NOT NULL,
    classification text NOT NULL,
    count integer NOT NULL,
    PRIMARY KEY (day, event_type, governorate_code, state, classification)
);
INSERT INTO incident_daily (day, event_type, governorate_code, state, classification, count)
    SELECT occurred_on, event_type, COALESCE(governorate_code, ''), state, classification, COUNT(*) FROM incidents
    GROUP BY occurred_on, event_type, COALESCE(governorate_code, ''), state, classification;
CREATE FUNCTION incident_daily_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE incident_daily SET count = count - 1
            WHERE day = OLD.occurred_on AND event_type = OLD.event_type AND governorate_code = COALESCE(OLD.governorate_code, '')
              AND state = OLD.state AND classification = OLD.classification;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO incident_daily (day, event_type, governorate_code, state, classification, count)
            VALUES (NEW.occurred_on, NEW.event_type, COALESCE(NEW.governorate_code, ''), NEW.state, NEW.classification, 1)
            ON CONFLICT (day, event_type, governorate_code, state, classification) DO UPDATE SET count = incident_daily.count + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER incidents_daily AFTER INSERT OR DELETE OR UPDATE OF occurred_on, event_type, governorate_code, state, classification ON incidents
    FOR EACH ROW EXECUTE FUNCTION incident_daily_apply();
-- The list's order (the most recent day first, then id): a page of a period is read from an index in that order, never
-- sorted; and for each filter the list offers alone, an index that filters and keeps the order.
DROP INDEX ix_incidents_occurred_on;
CREATE INDEX ix_incidents_occurred ON incidents (occurred_on, id);
CREATE INDEX ix_incidents_type ON incidents (event_type, occurred_on, id);
CREATE INDEX ix_incidents_state ON incidents (state, occurred_on, id);
CREATE INDEX ix_incidents_governorate ON incidents (governorate_code, occurred_on, id);
-- Confidential incidents are counted from the table (their readers differ per organisation): a partial index holds
-- only them, so the planner sees how few they are.
CREATE INDEX ix_incidents_confidential ON incidents (occurred_on) WHERE classification = 'Confidential';
