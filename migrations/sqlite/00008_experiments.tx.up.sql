-- Experiments after the grant (issue 7): agreements, payment tranches,
-- budget vs actual (CERFA 15059), indicators, reports, the communes map, and
-- the reminder machinery (sent-log, scheduled reminders, preferences).
-- Money is integer cents; times are UTC.

CREATE TABLE experiments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  application_id BIGINT NOT NULL UNIQUE REFERENCES applications (id),
  call_id BIGINT NOT NULL REFERENCES calls (id),
  org_id BIGINT NOT NULL REFERENCES organisations (id),
  title TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  workflow_version INTEGER NOT NULL DEFAULT 1,
  agreement_number TEXT NOT NULL DEFAULT '',
  legal_commitment TEXT NOT NULL DEFAULT '',
  signed_at TEXT,
  starts_on TEXT NOT NULL,
  ends_on TEXT NOT NULL,
  granted_cents BIGINT NOT NULL CHECK (granted_cents > 0),
  -- committed = requested + paid tranches; the conditional update on this
  -- row and the CHECK make "never more than granted" hold under concurrency.
  committed_cents BIGINT NOT NULL DEFAULT 0,
  paid_cents BIGINT NOT NULL DEFAULT 0,
  schedule TEXT NOT NULL DEFAULT '50/30/20',
  commune_insee TEXT REFERENCES communes (insee),
  publics TEXT NOT NULL DEFAULT '[]',
  directions TEXT NOT NULL DEFAULT '[]',
  decided_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  CHECK (ends_on > starts_on),
  CHECK (committed_cents >= 0 AND committed_cents <= granted_cents),
  CHECK (paid_cents >= 0 AND paid_cents <= committed_cents)
);
--bun:split
CREATE UNIQUE INDEX experiments_agreement_number ON experiments (agreement_number) WHERE agreement_number <> '';
--bun:split
CREATE INDEX experiments_call ON experiments (call_id, id);
--bun:split
CREATE INDEX experiments_org ON experiments (org_id, id);
--bun:split
CREATE TABLE tranches (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment_id BIGINT NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  share_bp INTEGER NOT NULL CHECK (share_bp > 0 AND share_bp <= 10000),
  planned_cents BIGINT NOT NULL CHECK (planned_cents >= 0),
  condition TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'planned' CHECK (state IN ('planned', 'payable', 'requested', 'paid')),
  amount_cents BIGINT NOT NULL DEFAULT 0 CHECK (amount_cents >= 0),
  payable_at TEXT,
  requested_at TEXT,
  paid_at TEXT,
  payment_reference TEXT NOT NULL DEFAULT '',
  version BIGINT NOT NULL DEFAULT 1,
  UNIQUE (experiment_id, position)
);
--bun:split
CREATE INDEX tranches_payable ON tranches (payable_at) WHERE state = 'payable';
--bun:split
CREATE INDEX tranches_paid ON tranches (paid_at) WHERE state = 'paid';
--bun:split
CREATE TABLE experiment_actuals (
  experiment_id BIGINT PRIMARY KEY REFERENCES experiments (id) ON DELETE CASCADE,
  state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'submitted', 'approved', 'returned')),
  lines TEXT NOT NULL DEFAULT '[]',
  document_ids TEXT NOT NULL DEFAULT '[]',
  spent_cents BIGINT NOT NULL DEFAULT 0 CHECK (spent_cents >= 0),
  review_comment TEXT NOT NULL DEFAULT '',
  submitted_at TEXT,
  reviewed_at TEXT,
  updated_at TEXT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
--bun:split
CREATE TABLE indicators (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  call_id BIGINT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  unit TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('higher', 'lower')),
  created_at TEXT NOT NULL,
  UNIQUE (call_id, name)
);
--bun:split
CREATE TABLE indicator_targets (
  experiment_id BIGINT NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
  indicator_id BIGINT NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
  target_milli BIGINT NOT NULL CHECK (target_milli >= 0),
  PRIMARY KEY (experiment_id, indicator_id)
);
--bun:split
CREATE TABLE indicator_values (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment_id BIGINT NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
  indicator_id BIGINT NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
  period TEXT NOT NULL,
  value_milli BIGINT NOT NULL CHECK (value_milli >= 0),
  entered_by BIGINT REFERENCES users (id),
  updated_at TEXT NOT NULL,
  UNIQUE (experiment_id, indicator_id, period)
);
--bun:split
CREATE TABLE experiment_reports (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment_id BIGINT NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('interim', 'final', 'financial')),
  due_at TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'submitted', 'approved', 'returned')),
  body TEXT NOT NULL DEFAULT '',
  document_ids TEXT NOT NULL DEFAULT '[]',
  review_comment TEXT NOT NULL DEFAULT '',
  submitted_at TEXT,
  reviewed_at TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  UNIQUE (experiment_id, kind)
);
--bun:split
-- Reports still expected, by due date: the reminder sweep scans a window of it.
CREATE INDEX experiment_reports_due ON experiment_reports (due_at) WHERE state IN ('pending', 'returned');
--bun:split
-- Reports waiting for the project lead (the daily digest counts them).
CREATE INDEX experiment_reports_submitted ON experiment_reports (experiment_id) WHERE state = 'submitted';
--bun:split
CREATE TABLE geo_layers (
  name TEXT PRIMARY KEY,
  geojson TEXT NOT NULL,
  features INTEGER NOT NULL,
  uploaded_by BIGINT REFERENCES users (id),
  uploaded_at TEXT NOT NULL
);
--bun:split
-- The sent-log: one row per (kind, subject, recipient, occurrence). The
-- unique key makes a second send impossible; state walks pending → sending →
-- sent (or failed → sending again; a row left in sending by a crash is never
-- resent automatically: see internal/app/reminders.go).
CREATE TABLE mail_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  recipient TEXT NOT NULL,
  occurrence TEXT NOT NULL,
  user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'uncertain', 'skipped')),
  template TEXT NOT NULL DEFAULT '',
  payload TEXT NOT NULL DEFAULT '{}',
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  sent_at TEXT,
  UNIQUE (kind, subject, recipient, occurrence)
);
--bun:split
CREATE INDEX mail_log_open ON mail_log (created_at) WHERE state IN ('pending', 'failed', 'sending', 'uncertain');
--bun:split
-- Reminders planned by workflow effects (schedule_reminder), due at due_at if
-- the object is still where the transition left it.
CREATE TABLE reminders_due (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL UNIQUE,
  object_type TEXT NOT NULL,
  object_id BIGINT NOT NULL,
  state TEXT NOT NULL,
  version BIGINT NOT NULL,
  template TEXT NOT NULL,
  recipients TEXT NOT NULL,
  due_at TEXT NOT NULL,
  created_at TEXT NOT NULL
);
--bun:split
CREATE INDEX reminders_due_at ON reminders_due (due_at);
--bun:split
CREATE TABLE notification_preferences (
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  enabled BOOLEAN NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (user_id, kind)
);
--bun:split
-- In-app notifications (shared with the documents feature, which may have
-- created the table first with the same columns).
CREATE TABLE IF NOT EXISTS notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  link TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  read_at TEXT
);
--bun:split
CREATE INDEX IF NOT EXISTS notifications_user ON notifications (user_id, id);
--bun:split
CREATE TABLE sweep_leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  until TEXT NOT NULL
);
--bun:split
-- Applications by state (the project leads' digest counts them).
CREATE INDEX applications_state_call ON applications (state, call_id);
--bun:split
-- E-mails handed to the queue, by time: the sweep looks for those Redis lost.
CREATE INDEX outbox_mail_dispatched ON outbox (dispatched_at) WHERE task_type = 'mail:send';
--bun:split
-- Reviews due, by day, across directions (reviewer reminders).
CREATE INDEX review_assignments_due ON review_assignments (due_on);
