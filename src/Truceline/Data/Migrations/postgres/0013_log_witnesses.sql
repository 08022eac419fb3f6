-- Witnesses of the transparency log (issue 5): organisations whose keys cosign checkpoints they have checked are
-- consistent with the last one they signed. The cosignatures are signed themselves, and kept apart from the notes
-- (which are append-only) so a checkpoint gathers them as they come.
CREATE TABLE log_witnesses (
    vkey text NOT NULL PRIMARY KEY,
    name text NOT NULL,
    organisation text NOT NULL,
    added_at timestamp with time zone NOT NULL
);
CREATE TABLE log_cosignatures (
    size bigint NOT NULL,
    vkey text NOT NULL,
    signature text NOT NULL,
    cosigned_at timestamp with time zone NOT NULL,
    PRIMARY KEY (size, vkey)
);
CREATE TRIGGER log_cosignatures_append_only BEFORE UPDATE OR DELETE ON log_cosignatures FOR EACH ROW EXECUTE FUNCTION log_append_only();
