-- An e-mail the embedded mailer wrote to a file (SMTP_URL empty) left no
-- server: it is "written", not "sent", so the admin screen shows it as not
-- delivered and an administrator may resend it once SMTP is configured.
-- SQLite cannot alter a CHECK constraint: the table is rebuilt (no other
-- table references it).
CREATE TABLE mail_log_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  recipient TEXT NOT NULL,
  occurrence TEXT NOT NULL,
  user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'written', 'failed', 'uncertain', 'skipped')),
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
INSERT INTO mail_log_new (id, kind, subject, recipient, occurrence, user_id, state, template, payload, attempts, last_error,
  created_at, updated_at, sent_at)
SELECT id, kind, subject, recipient, occurrence, user_id, state, template, payload, attempts, last_error,
  created_at, updated_at, sent_at FROM mail_log;
--bun:split
DROP TABLE mail_log;
--bun:split
ALTER TABLE mail_log_new RENAME TO mail_log;
--bun:split
CREATE INDEX mail_log_open ON mail_log (created_at) WHERE state IN ('pending', 'failed', 'sending', 'uncertain');
