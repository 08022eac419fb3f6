-- Grouping writes every summary column of an incident a report joins, the parties among them, so the party rollup's
-- trigger (0020) ran for each such incident, taking its counts away and adding them back unchanged. It now returns at
-- once when no column it counts by has changed.
CREATE OR REPLACE FUNCTION incident_daily_party_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.alleged_parties IS NOT DISTINCT FROM NEW.alleged_parties AND OLD.occurred_on IS NOT DISTINCT FROM NEW.occurred_on
       AND OLD.event_type IS NOT DISTINCT FROM NEW.event_type AND OLD.governorate_code IS NOT DISTINCT FROM NEW.governorate_code
       AND OLD.state IS NOT DISTINCT FROM NEW.state AND OLD.classification IS NOT DISTINCT FROM NEW.classification THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.alleged_parties <> '' THEN
        UPDATE incident_daily_party SET count = count - 1
            WHERE party IN (SELECT incident_parties(OLD.alleged_parties)) AND day = OLD.occurred_on AND event_type = OLD.event_type
              AND governorate_code = COALESCE(OLD.governorate_code, '') AND state = OLD.state AND classification = OLD.classification;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.alleged_parties <> '' THEN
        INSERT INTO incident_daily_party (party, day, event_type, governorate_code, state, classification, count)
            SELECT p, NEW.occurred_on, NEW.event_type, COALESCE(NEW.governorate_code, ''), NEW.state, NEW.classification, 1
            FROM incident_parties(NEW.alleged_parties) AS p
            ON CONFLICT (party, day, event_type, governorate_code, state, classification) DO UPDATE SET count = incident_daily_party.count + 1;
    END IF;
    RETURN NULL;
END $$;
