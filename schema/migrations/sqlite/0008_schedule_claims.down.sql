DROP TABLE IF EXISTS schedule_claims;
