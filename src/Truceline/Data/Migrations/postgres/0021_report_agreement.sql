-- A report may name the agreement it concerns (issue 3): with two agreements in force at once, over different areas,
-- the day alone cannot say. Grouping attaches a report that names none to the agreement in force on its day.
ALTER TABLE reports ADD COLUMN agreement_id uuid NULL REFERENCES agreements (id);
