CREATE TABLE data_protection_keys (
    name TEXT NOT NULL PRIMARY KEY,
    xml TEXT NOT NULL,
    created_at TEXT NOT NULL
);
