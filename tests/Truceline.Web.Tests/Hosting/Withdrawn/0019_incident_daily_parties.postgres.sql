-- The parties an incident alleges become a dimension of the daily counts (issue 3), as the incident keeps them
-- ('|code|code|', '' for none): a count filtered by party then reads the rollup with a LIKE over its few thousand rows
-- of a year, instead of every incident of the period. Few distinct sets of parties occur, so the rollup grows little.
DROP TRIGGER incidents_daily ON incidents;
DROP TABLE incident_daily;
CREATE TABLE incident_daily (
    day date NOT NULL,
    event_type text NOT NULL,
    governorate_code text NOT NULL,
    state text NOT NULL,
    classification text NOT NULL,
    parties text NOT NULL,
    count integer NOT NULL,
    PRIMARY KEY (day, event_type, governorate_code, state, classification, parties)
);
INSERT INTO incident_daily (day, event_type, governorate_code, state, classification, parties, count)
    SELECT occurred_on, event_type, COALESCE(governorate_code, ''), state, classification, alleged_parties, COUNT(*) FROM incidents
    GROUP BY occurred_on, event_type, COALESCE(governorate_code, ''), state, classification, alleged_parties;
CREATE OR REPLACE FUNCTION incident_daily_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE incident_daily SET count = count - 1
            WHERE day = OLD.occurred_on AND event_type = OLD.event_type AND governorate_code = COALESCE(OLD.governorate_code, '')
              AND state = OLD.state AND classification = OLD.classification AND parties = OLD.alleged_parties;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO incident_daily (day, event_type, governorate_code, state, classification, parties, count)
            VALUES (NEW.occurred_on, NEW.event_type, COALESCE(NEW.governorate_code, ''), NEW.state, NEW.classification, NEW.alleged_parties, 1)
            ON CONFLICT (day, event_type, governorate_code, state, classification, parties) DO UPDATE SET count = incident_daily.count + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER incidents_daily AFTER INSERT OR DELETE OR UPDATE OF occurred_on, event_type, governorate_code, state, classification, alleged_parties ON incidents
    FOR EACH ROW EXECUTE FUNCTION incident_daily_apply();
