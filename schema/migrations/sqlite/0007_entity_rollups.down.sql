-- The rollup tables and their triggers are named per app and only entity_rollups lists
-- them, so a script cannot drop them; they stay (still exact: their triggers keep
-- running) and the next up, which marks every app, drops and remakes each at the open.
DROP TABLE IF EXISTS entity_rollups;
