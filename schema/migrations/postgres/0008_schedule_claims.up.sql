-- A scheduled flow's due time, claimed by the one server that runs it: several servers
-- on one database each keep the schedule, and the first to claim a time runs the flow
-- (the others find the claim and skip). Claims older than a week are removed as new
-- ones are made.
CREATE TABLE schedule_claims (
  app_id        INTEGER NOT NULL,
  xflow         TEXT COLLATE "C" NOT NULL,
  scheduled_at  TEXT COLLATE "C" NOT NULL,
  claimed_at    TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (app_id, xflow, scheduled_at)
);
CREATE INDEX schedule_claims_at ON schedule_claims(claimed_at);
