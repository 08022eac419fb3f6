-- Other names a zone goes by (a crossing as a data source spells it), separated by ';'.
ALTER TABLE zones ADD COLUMN aliases TEXT NULL;
