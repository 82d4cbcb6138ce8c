-- Workflow history: one row per fired transition, written in the same
-- transaction as the state change, its audit row and its outbox rows.

CREATE TABLE transitions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  object_type TEXT NOT NULL,
  object_id BIGINT NOT NULL,
  workflow TEXT NOT NULL,
  workflow_version INTEGER NOT NULL,
  transition TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  actor_id BIGINT REFERENCES users (id),
  actor TEXT NOT NULL DEFAULT '',
  comment TEXT NOT NULL DEFAULT '',
  payload TEXT NOT NULL DEFAULT '{}',
  at TEXT NOT NULL
);
--bun:split
CREATE INDEX transitions_object ON transitions (object_type, object_id, id);
--bun:split
CREATE INDEX outbox_due ON outbox (process_at) WHERE dispatched_at IS NULL;
