-- Identity: sessions, single-use e-mail links, invitations, personal access
-- tokens, login throttling, second factor.

ALTER TABLE users ADD COLUMN mfa_required BOOLEAN NOT NULL DEFAULT 0;
--bun:split
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
--bun:split
ALTER TABLE users ADD COLUMN totp_enabled_at TEXT;
--bun:split
ALTER TABLE users ADD COLUMN recovery_codes TEXT NOT NULL DEFAULT '[]';
--bun:split
ALTER TABLE users ADD COLUMN deleted_at TEXT;
--bun:split
ALTER TABLE users ADD COLUMN password_changed_at TEXT;
--bun:split
CREATE INDEX grants_user ON grants (user_id);
--bun:split
CREATE TABLE sessions (
  id TEXT PRIMARY KEY, -- SHA-256 of the cookie value: a database leak yields no usable cookie
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  mfa_passed BOOLEAN NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT ''
);
--bun:split
CREATE INDEX sessions_user ON sessions (user_id);
--bun:split
CREATE TABLE user_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
  token_hash TEXT NOT NULL UNIQUE,
  expires_at TEXT NOT NULL,
  used_at TEXT,
  created_at TEXT NOT NULL
);
--bun:split
CREATE INDEX user_tokens_user ON user_tokens (user_id, purpose);
--bun:split
CREATE TABLE org_invitations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('org_admin', 'org_member')),
  token_hash TEXT NOT NULL UNIQUE,
  invited_by BIGINT REFERENCES users (id),
  expires_at TEXT NOT NULL,
  accepted_at TEXT,
  accepted_by BIGINT REFERENCES users (id),
  revoked_at TEXT,
  created_at TEXT NOT NULL
);
--bun:split
CREATE INDEX org_invitations_org ON org_invitations (org_id);
--bun:split
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  scopes TEXT NOT NULL DEFAULT '[]',
  expires_at TEXT,
  revoked_at TEXT,
  last_used_at TEXT,
  created_at TEXT NOT NULL
);
--bun:split
CREATE INDEX api_tokens_user ON api_tokens (user_id);
--bun:split
CREATE TABLE login_throttle (
  key TEXT PRIMARY KEY, -- 'acct:<email>' or 'ip:<address>'
  failures INTEGER NOT NULL DEFAULT 0,
  window_start TEXT NOT NULL,
  locked_until TEXT,
  updated_at TEXT NOT NULL
);
