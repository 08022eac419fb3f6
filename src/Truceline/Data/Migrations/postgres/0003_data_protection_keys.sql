CREATE TABLE data_protection_keys (
    name text NOT NULL PRIMARY KEY,
    xml text NOT NULL,
    created_at timestamp with time zone NOT NULL
);
