-- Smaller rollups for the figures that read a whole period (a year must answer in well under 100 ms):
-- the funnel needs only the steps per day, and the stage-time histograms are also kept per month
-- (a period reads its whole months there, and only the days at either end from aid_stage_times).
CREATE TABLE aid_daily_steps (
    day TEXT NOT NULL,
    stage TEXT NOT NULL,
    from_stage TEXT NOT NULL,
    consignments INTEGER NOT NULL,
    trucks REAL NOT NULL,
    PRIMARY KEY (day, stage, from_stage)
);
CREATE TABLE aid_monthly_stage_times (
    month TEXT NOT NULL,
    stage TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    consignments INTEGER NOT NULL,
    PRIMARY KEY (month, stage, bucket)
);
-- The consignments that reached a stage in a period (the records behind a daily figure).
CREATE INDEX ix_consignment_events_stage_at ON consignment_events (stage, at, consignment_id);
-- Trucks entered read one stage's rows, from the index alone (it carries every column the figure sums).
CREATE INDEX ix_aid_daily_stage_day ON aid_daily (stage, day, crossing, category, consignments, trucks, tonnes);
INSERT INTO aid_daily_steps (day, stage, from_stage, consignments, trucks)
    SELECT day, stage, from_stage, sum(consignments), sum(trucks) FROM aid_daily GROUP BY day, stage, from_stage;
INSERT INTO aid_monthly_stage_times (month, stage, bucket, consignments)
    SELECT substr(day, 1, 8) || '01', stage, bucket, sum(consignments) FROM aid_stage_times GROUP BY substr(day, 1, 8) || '01', stage, bucket;
