-- Reverses 0011.
ALTER TABLE schedule_claims DROP COLUMN done_at;
