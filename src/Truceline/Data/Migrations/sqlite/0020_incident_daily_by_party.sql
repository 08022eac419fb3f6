-- Daily incident counts by party (issue 3): one row per party an incident alleges, day, type, governorate, state and
-- classification, kept by triggers like incident_daily (0016) so no code path can leave it behind. A count filtered by
-- party reads this table's rows of that party (its key begins with the party) instead of every incident of the period.
-- An incident naming two parties is counted once under each; an incident naming none is not here. Parties are kept as
-- written in the reports and compared as the incident list's filter compares them (LIKE: ASCII letters in any case).
--
-- incident_daily is rebuilt first: a database upgraded by an unreleased 0019 (the parties as a dimension of the main
-- rollup, backed out) has a different table and triggers; rebuilding gives every database the same ones.
DROP TRIGGER IF EXISTS incidents_daily_insert;
DROP TRIGGER IF EXISTS incidents_daily_delete;
DROP TRIGGER IF EXISTS incidents_daily_update;
DROP TABLE IF EXISTS incident_daily;
CREATE TABLE incident_daily (
    day TEXT NOT NULL,
    event_type TEXT NOT NULL,
    governorate_code TEXT NOT NULL,
    state TEXT NOT NULL,
    classification TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (day, event_type, governorate_code, state, classification)
) WITHOUT ROWID;
INSERT INTO incident_daily (day, event_type, governorate_code, state, classification, count)
    SELECT occurred_on, event_type, COALESCE(governorate_code, ''), state, classification, COUNT(*) FROM incidents
    GROUP BY occurred_on, event_type, COALESCE(governorate_code, ''), state, classification;
CREATE TRIGGER incidents_daily_insert AFTER INSERT ON incidents BEGIN
    INSERT INTO incident_daily (day, event_type, governorate_code, state, classification, count)
        VALUES (NEW.occurred_on, NEW.event_type, COALESCE(NEW.governorate_code, ''), NEW.state, NEW.classification, 1)
        ON CONFLICT (day, event_type, governorate_code, state, classification) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER incidents_daily_delete AFTER DELETE ON incidents BEGIN
    UPDATE incident_daily SET count = count - 1
        WHERE day = OLD.occurred_on AND event_type = OLD.event_type AND governorate_code = COALESCE(OLD.governorate_code, '')
          AND state = OLD.state AND classification = OLD.classification;
END;
CREATE TRIGGER incidents_daily_update AFTER UPDATE OF occurred_on, event_type, governorate_code, state, classification ON incidents BEGIN
    UPDATE incident_daily SET count = count - 1
        WHERE day = OLD.occurred_on AND event_type = OLD.event_type AND governorate_code = COALESCE(OLD.governorate_code, '')
          AND state = OLD.state AND classification = OLD.classification;
    INSERT INTO incident_daily (day, event_type, governorate_code, state, classification, count)
        VALUES (NEW.occurred_on, NEW.event_type, COALESCE(NEW.governorate_code, ''), NEW.state, NEW.classification, 1)
        ON CONFLICT (day, event_type, governorate_code, state, classification) DO UPDATE SET count = count + 1;
END;

-- The parties of '|a||b|' as rows: SQLite allows no WITH in a trigger, so the list becomes a JSON array and json_each
-- reads it. json_quote escapes whatever a party's name holds (quotes, backslashes, control characters) and never
-- writes '|', so each '|' left is a separator; the empty strings between '||' are dropped by the WHERE. NOCASE makes
-- 'Israel' and 'israel' one party here, as LIKE does in the list's filter.
CREATE TABLE incident_daily_party (
    party TEXT NOT NULL COLLATE NOCASE,
    day TEXT NOT NULL,
    event_type TEXT NOT NULL,
    governorate_code TEXT NOT NULL,
    state TEXT NOT NULL,
    classification TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (party, day, event_type, governorate_code, state, classification)
) WITHOUT ROWID;
INSERT INTO incident_daily_party (party, day, event_type, governorate_code, state, classification, count)
    SELECT p.value COLLATE NOCASE, i.occurred_on, i.event_type, COALESCE(i.governorate_code, ''), i.state, i.classification, COUNT(DISTINCT i.id)
    FROM incidents i, json_each('[' || replace(json_quote(trim(i.alleged_parties, '|')), '|', '","') || ']') p
    WHERE i.alleged_parties <> '' AND p.value <> ''
    GROUP BY p.value COLLATE NOCASE, i.occurred_on, i.event_type, COALESCE(i.governorate_code, ''), i.state, i.classification;
CREATE TRIGGER incidents_daily_party_insert AFTER INSERT ON incidents WHEN NEW.alleged_parties <> '' BEGIN
    INSERT INTO incident_daily_party (party, day, event_type, governorate_code, state, classification, count)
        SELECT DISTINCT p.value COLLATE NOCASE, NEW.occurred_on, NEW.event_type, COALESCE(NEW.governorate_code, ''), NEW.state, NEW.classification, 1
        FROM json_each('[' || replace(json_quote(trim(NEW.alleged_parties, '|')), '|', '","') || ']') p WHERE p.value <> ''
        ON CONFLICT (party, day, event_type, governorate_code, state, classification) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER incidents_daily_party_delete AFTER DELETE ON incidents WHEN OLD.alleged_parties <> '' BEGIN
    UPDATE incident_daily_party SET count = count - 1
        WHERE day = OLD.occurred_on AND event_type = OLD.event_type AND governorate_code = COALESCE(OLD.governorate_code, '')
          AND state = OLD.state AND classification = OLD.classification
          AND party IN (SELECT p.value FROM json_each('[' || replace(json_quote(trim(OLD.alleged_parties, '|')), '|', '","') || ']') p);
END;
-- Only when a column it counts by changed: grouping writes every summary column of an incident a report joins, the
-- parties among them, and would otherwise take each such incident's counts away and add them back unchanged.
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
