-- Calls and applications: the reference counter behind AAP-<year>-<seq>,
-- the answer history autosave merges from, and the frozen submitted versions.

-- One row per scope ("AAP-2027"): incremented with an upsert, so two
-- applications started at the same instant can never share a reference.
CREATE TABLE reference_counters (
  scope TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
--bun:split
-- The answers and budget as saved at each application version: the base a
-- stale autosave is merged from (three-way merge). Pruned to the recent past.
CREATE TABLE application_answer_versions (
  application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  version BIGINT NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  answers JSONB NOT NULL DEFAULT '{}',
  budget JSONB NOT NULL DEFAULT '{}',
  saved_by BIGINT REFERENCES users (id),
  saved_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (application_id, version)
);
--bun:split
-- What was submitted, frozen: kept whatever a correction later changes.
CREATE TABLE application_versions (
  id BIGSERIAL PRIMARY KEY,
  application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  n INTEGER NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  answers JSONB NOT NULL DEFAULT '{}',
  budget JSONB NOT NULL DEFAULT '{}',
  requested_cents BIGINT NOT NULL DEFAULT 0,
  documents JSONB NOT NULL DEFAULT '[]',
  transition TEXT NOT NULL DEFAULT 'submit',
  submitted_at TIMESTAMPTZ NOT NULL,
  submitted_by BIGINT REFERENCES users (id),
  UNIQUE (application_id, n)
);
--bun:split
CREATE INDEX calls_state_id ON calls (state, id);
