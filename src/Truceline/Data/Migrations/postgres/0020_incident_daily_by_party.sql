-- Daily incident counts by party (issue 3): one row per party an incident alleges, day, type, governorate, state and
-- classification, kept by a trigger like incident_daily (0016) so no code path can leave it behind. A count filtered by
-- party reads this table's rows of that party (its key begins with the party) instead of every incident of the period.
-- An incident naming two parties is counted once under each; an incident naming none is not here. Parties are kept as
-- written in the reports and compared as the incident list's filter compares them (LIKE: exactly, on PostgreSQL).
--
-- incident_daily is rebuilt first: a database upgraded by an unreleased 0019 (the parties as a dimension of the main
-- rollup, backed out) has a different table and trigger; rebuilding gives every database the same ones.
DROP TRIGGER IF EXISTS incidents_daily ON incidents;
DROP TABLE IF EXISTS incident_daily;
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
CREATE OR REPLACE FUNCTION incident_daily_apply() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TABLE incident_daily_party (
    party text NOT NULL,
    day date NOT NULL,
    event_type text NOT NULL,
    governorate_code text NOT NULL,
    state text NOT NULL,
    classification text NOT NULL,
    count integer NOT NULL,
    PRIMARY KEY (party, day, event_type, governorate_code, state, classification)
);
-- The parties of '|a||b|', once each (an incident names a party once however many of its reports name it).
CREATE FUNCTION incident_parties(list text) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
    SELECT DISTINCT p FROM unnest(string_to_array(list, '|')) AS p WHERE p <> ''
$$;
INSERT INTO incident_daily_party (party, day, event_type, governorate_code, state, classification, count)
    SELECT p, i.occurred_on, i.event_type, COALESCE(i.governorate_code, ''), i.state, i.classification, COUNT(*)
    FROM incidents i CROSS JOIN LATERAL incident_parties(i.alleged_parties) AS p
    WHERE i.alleged_parties <> ''
    GROUP BY p, i.occurred_on, i.event_type, COALESCE(i.governorate_code, ''), i.state, i.classification;
CREATE FUNCTION incident_daily_party_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only when a column it counts by changed: grouping writes every summary column of an incident a report joins, the
    -- parties among them, and would otherwise take each such incident's counts away and add them back unchanged.
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
CREATE TRIGGER incidents_daily_party AFTER INSERT OR DELETE OR UPDATE OF occurred_on, event_type, governorate_code, state, classification, alleged_parties ON incidents
    FOR EACH ROW EXECUTE FUNCTION incident_daily_party_apply();
