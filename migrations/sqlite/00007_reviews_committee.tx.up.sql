-- Reviews by directions, committee sessions with the envelope simulation,
-- decisions (with their publication) for issue 6. Dates that are calendar
-- days (due date, session date, deliberation date) are 'YYYY-MM-DD' text on
-- both engines: a day has no time zone.

-- An application routed to a direction for review ('DIESS', 'DA'…), or to one
-- reviewer in particular (reviewer_id: a reassignment after a recusal).
CREATE TABLE review_assignments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  direction TEXT NOT NULL DEFAULT '',
  reviewer_id BIGINT REFERENCES users (id),
  due_on TEXT NOT NULL CHECK (due_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  assigned_by BIGINT REFERENCES users (id),
  created_at TEXT NOT NULL,
  CHECK (direction <> '' OR reviewer_id IS NOT NULL)
);
--bun:split
CREATE UNIQUE INDEX review_assignments_direction ON review_assignments (application_id, direction) WHERE reviewer_id IS NULL;
--bun:split
CREATE UNIQUE INDEX review_assignments_reviewer ON review_assignments (application_id, reviewer_id) WHERE reviewer_id IS NOT NULL;
--bun:split
CREATE INDEX review_assignments_direction_due ON review_assignments (direction, due_on);
--bun:split
-- One review per reviewer and application: a draft, a submitted (locked)
-- review, or a recusal (conflict of interest). weighted is computed once, at
-- submission, so the ranking never reads the scores.
CREATE TABLE reviews (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  call_id BIGINT NOT NULL REFERENCES calls (id),
  reviewer_id BIGINT NOT NULL REFERENCES users (id),
  direction TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'recused')),
  scores TEXT NOT NULL DEFAULT '[]',
  opinion TEXT NOT NULL DEFAULT '' CHECK (opinion IN ('', 'favourable', 'reserved', 'unfavourable')),
  summary TEXT NOT NULL DEFAULT '',
  weighted REAL,
  conflict_reason TEXT NOT NULL DEFAULT '',
  submitted_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  UNIQUE (application_id, reviewer_id),
  CHECK (state <> 'submitted' OR weighted IS NOT NULL)
);
--bun:split
-- The ranking reads exactly these columns of a call's submitted reviews.
CREATE INDEX reviews_ranking ON reviews (call_id, application_id, reviewer_id, direction, weighted, opinion) WHERE state = 'submitted';
--bun:split
CREATE INDEX reviews_reviewer ON reviews (reviewer_id, state);
--bun:split
CREATE TABLE committee_sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  call_id BIGINT NOT NULL REFERENCES calls (id),
  title TEXT NOT NULL,
  held_on TEXT NOT NULL CHECK (held_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  members TEXT NOT NULL DEFAULT '[]',
  created_by BIGINT REFERENCES users (id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
--bun:split
CREATE INDEX committee_sessions_call ON committee_sessions (call_id, held_on);
--bun:split
-- The agenda, with the provisional amount typed in during the simulation.
CREATE TABLE committee_items (
  session_id BIGINT NOT NULL REFERENCES committee_sessions (id) ON DELETE CASCADE,
  application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  position INTEGER NOT NULL DEFAULT 0,
  proposed_cents BIGINT CHECK (proposed_cents >= 0),
  PRIMARY KEY (session_id, application_id)
);
--bun:split
CREATE INDEX committee_items_application ON committee_items (application_id);
--bun:split
-- Decisions: accept (amount), refuse (motivation) or defer. A published
-- decision is never updated: a correction is a new row that supersedes it.
CREATE TABLE decisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  call_id BIGINT NOT NULL REFERENCES calls (id),
  session_id BIGINT REFERENCES committee_sessions (id),
  kind TEXT NOT NULL CHECK (kind IN ('accept', 'refuse', 'defer')),
  amount_cents BIGINT NOT NULL DEFAULT 0 CHECK (amount_cents >= 0),
  motivation TEXT NOT NULL DEFAULT '',
  override_reason TEXT NOT NULL DEFAULT '',
  deliberation_ref TEXT NOT NULL DEFAULT '',
  deliberation_on TEXT NOT NULL DEFAULT '',
  payment_mode TEXT NOT NULL DEFAULT 'échelonné',
  supersedes_id BIGINT REFERENCES decisions (id),
  correction_reason TEXT NOT NULL DEFAULT '',
  superseded_at TEXT,
  decided_by BIGINT REFERENCES users (id),
  decided_at TEXT NOT NULL,
  published_at TEXT,
  published_by BIGINT REFERENCES users (id),
  CHECK (kind <> 'accept' OR amount_cents > 0)
);
--bun:split
CREATE INDEX decisions_application ON decisions (application_id, id);
--bun:split
CREATE INDEX decisions_call ON decisions (call_id, kind) WHERE superseded_at IS NULL;
