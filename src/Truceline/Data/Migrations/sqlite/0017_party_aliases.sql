-- Party aliases (issue 3): the other names a party goes by in outside data, so an ACLED import names it by its code.
ALTER TABLE parties ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]';
