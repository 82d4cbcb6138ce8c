-- Identity: sessions, single-use e-mail links, invitations, personal access
-- tokens, login throttling, second factor.

ALTER TABLE users ADD COLUMN mfa_required BOOLEAN NOT NULL DEFAULT FALSE;
--bun:split
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
--bun:split
ALTER TABLE users ADD COLUMN totp_enabled_at TIMESTAMPTZ;
--bun:split
ALTER TABLE users ADD COLUMN recovery_codes JSONB NOT NULL DEFAULT '[]';
--bun:split
ALTER TABLE users ADD COLUMN deleted_at TIMESTAMPTZ;
--bun:split
ALTER TABLE users ADD COLUMN password_changed_at TIMESTAMPTZ;
--bun:split
CREATE INDEX grants_user ON grants (user_id);
--bun:split
CREATE TABLE sessions (
  id TEXT PRIMARY KEY, -- SHA-256 of the cookie value: a database leak yields no usable cookie
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  mfa_passed BOOLEAN NOT NULL DEFAULT FALSE,
  created_at TIMESTAMPTZ NOT NULL,
  last_seen_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT ''
);
--bun:split
CREATE INDEX sessions_user ON sessions (user_id);
--bun:split
CREATE TABLE user_tokens (
  id BIGSERIAL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
  token_hash TEXT NOT NULL UNIQUE,
  expires_at TIMESTAMPTZ NOT NULL,
  used_at TIMESTAMPTZ,
  created_at TIMESTAMPTZ NOT NULL
);
--bun:split
CREATE INDEX user_tokens_user ON user_tokens (user_id, purpose);
--bun:split
CREATE TABLE org_invitations (
  id BIGSERIAL PRIMARY KEY,
  org_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('org_admin', 'org_member')),
  token_hash TEXT NOT NULL UNIQUE,
  invited_by BIGINT REFERENCES users (id),
  expires_at TIMESTAMPTZ NOT NULL,
  accepted_at TIMESTAMPTZ,
  accepted_by BIGINT REFERENCES users (id),
  revoked_at TIMESTAMPTZ,
  created_at TIMESTAMPTZ NOT NULL
);
--bun:split
CREATE INDEX org_invitations_org ON org_invitations (org_id);
--bun:split
CREATE TABLE api_tokens (
  id BIGSERIAL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  scopes JSONB NOT NULL DEFAULT '[]',
  expires_at TIMESTAMPTZ,
  revoked_at TIMESTAMPTZ,
  last_used_at TIMESTAMPTZ,
  created_at TIMESTAMPTZ NOT NULL
);
--bun:split
CREATE INDEX api_tokens_user ON api_tokens (user_id);
--bun:split
CREATE TABLE login_throttle (
  key TEXT PRIMARY KEY, -- 'acct:<email>' or 'ip:<address>'
  failures INTEGER NOT NULL DEFAULT 0,
  window_start TIMESTAMPTZ NOT NULL,
  locked_until TIMESTAMPTZ,
  updated_at TIMESTAMPTZ NOT NULL
);
