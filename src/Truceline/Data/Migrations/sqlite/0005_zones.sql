CREATE TABLE zones (
    id TEXT NOT NULL PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    geometry BLOB NOT NULL,
    valid_from TEXT NULL,
    valid_to TEXT NULL,
    source TEXT NOT NULL,
    approximation TEXT NULL,
    left_side TEXT NULL,
    right_side TEXT NULL,
    classification TEXT NOT NULL,
    owner_organisation_id TEXT NULL,
    confidential_to TEXT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_zones_code ON zones (code);
