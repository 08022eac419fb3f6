-- The parties an incident alleges become a dimension of the daily counts (issue 3), as the incident keeps them
-- ('|code|code|', '' for none): a count filtered by party then reads the rollup with a LIKE over its few thousand rows
-- of a year, instead of every incident of the period. Few distinct sets of parties occur, so the rollup grows little.
DROP TRIGGER incidents_daily_insert;
DROP TRIGGER incidents_daily_delete;
DROP TRIGGER incidents_daily_update;
CREATE TABLE incident_daily_by_parties (
    day TEXT NOT NULL,
    event_type TEXT NOT NULL,
    governorate_code TEXT NOT NULL,
    state TEXT NOT NULL,
    classification TEXT NOT NULL,
    parties TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (day, event_type, governorate_code, state, classification, parties)
) WITHOUT ROWID;
INSERT INTO incident_daily_by_parties (day, event_type, governorate_code, state, classification, parties, count)
    SELECT occurred_on, event_type, COALESCE(governorate_code, ''), state, classification, alleged_parties, COUNT(*) FROM incidents
    GROUP BY occurred_on, event_type, COALESCE(governorate_code, ''), state, classification, alleged_parties;
DROP TABLE incident_daily;
ALTER TABLE incident_daily_by_parties RENAME TO incident_daily;
CREATE TRIGGER incidents_daily_insert AFTER INSERT ON incidents BEGIN
    INSERT INTO incident_daily (day, event_type, governorate_code, state, classification, parties, count)
        VALUES (NEW.occurred_on, NEW.event_type, COALESCE(NEW.governorate_code, ''), NEW.state, NEW.classification, NEW.alleged_parties, 1)
        ON CONFLICT (day, event_type, governorate_code, state, classification, parties) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER incidents_daily_delete AFTER DELETE ON incidents BEGIN
    UPDATE incident_daily SET count = count - 1
        WHERE day = OLD.occurred_on AND event_type = OLD.event_type AND governorate_code = COALESCE(OLD.governorate_code, '')
          AND state = OLD.state AND classification = OLD.classification AND parties = OLD.alleged_parties;
END;
CREATE TRIGGER incidents_daily_update AFTER UPDATE OF occurred_on, event_type, governorate_code, state, classification, alleged_parties ON incidents BEGIN
    UPDATE incident_daily SET count = count - 1
        WHERE day = OLD.occurred_on AND event_type = OLD.event_type AND governorate_code = COALESCE(OLD.governorate_code, '')
          AND state = OLD.state AND classification = OLD.classification AND parties = OLD.alleged_parties;
    INSERT INTO incident_daily (day, event_type, governorate_code, state, classification, parties, count)
        VALUES (NEW.occurred_on, NEW.event_type, COALESCE(NEW.governorate_code, ''), NEW.state, NEW.classification, NEW.alleged_parties, 1)
        ON CONFLICT (day, event_type, governorate_code, state, classification, parties) DO UPDATE SET count = count + 1;
END;
