-- When a claimed scheduled run ended: while a run of a flow is unfinished (and younger than
-- the flow's time limit, so a server that died mid-run does not hold the flow for ever),
-- no server claims another due time of that flow. Runs of one flow never overlap, across
-- servers as within one.
ALTER TABLE schedule_claims ADD COLUMN done_at TEXT COLLATE "C";
