-- When a claimed scheduled run ended: while a run of a flow is unfinished (and younger than
-- the flow's time limit, so a process that died mid-run does not hold the flow for ever),
-- no process claims another due time of that flow. Runs of one flow never overlap.
ALTER TABLE schedule_claims ADD COLUMN done_at TEXT;
