-- Grouping writes every summary column of an incident a report joins, the parties among them, so the party rollup's
-- update trigger (0020) fired for each such incident, taking its counts away and adding them back unchanged. It now
-- fires only when a column it counts by has changed.
DROP TRIGGER incidents_daily_party_update;
CREATE TRIGGER incidents_daily_party_update AFTER UPDATE OF occurred_on, event_type, governorate_code, state, classification, alleged_parties ON incidents
    WHEN (OLD.alleged_parties <> '' OR NEW.alleged_parties <> '')
     AND (OLD.alleged_parties IS NOT NEW.alleged_parties OR OLD.occurred_on IS NOT NEW.occurred_on OR OLD.event_type IS NOT NEW.event_type
          OR OLD.governorate_code IS NOT NEW.governorate_code OR OLD.state IS NOT NEW.state OR OLD.classification IS NOT NEW.classification) BEGIN
    UPDATE incident_daily_party SET count = count - 1
        WHERE day = OLD.occurred_on AND event_type = OLD.event_type AND governorate_code = COALESCE(OLD.governorate_code, '')
          AND state = OLD.state AND classification = OLD.classification
          AND party IN (SELECT p.value FROM json_each('[' || replace(json_quote(trim(OLD.alleged_parties, '|')), '|', '","') || ']') p);
    INSERT INTO incident_daily_party (party, day, event_type, governorate_code, state, classification, count)
        SELECT DISTINCT p.value COLLATE NOCASE, NEW.occurred_on, NEW.event_type, COALESCE(NEW.governorate_code, ''), NEW.state, NEW.classification, 1
        FROM json_each('[' || replace(json_quote(trim(NEW.alleged_parties, '|')), '|', '","') || ']') p WHERE p.value <> ''
        ON CONFLICT (party, day, event_type, governorate_code, state, classification) DO UPDATE SET count = count + 1;
END;
