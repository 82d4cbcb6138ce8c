-- Sign-in throttling per (account, client) pair instead of per account (see
-- internal/app/throttle.go): a stranger who fails on an address must not lock
-- its owner out. Each record names the account it concerns, so that an
-- unlock link or a password reset clears all of them at once.
ALTER TABLE login_throttle ADD COLUMN account TEXT NOT NULL DEFAULT '';
--bun:split
UPDATE login_throttle SET account = substr(key, 6) WHERE key LIKE 'acct:%';
--bun:split
CREATE INDEX login_throttle_account ON login_throttle (account);
--bun:split
-- Browsers where an account signed in with its password ("trusted devices",
-- a random cookie whose hash is kept here): their attempts are throttled on
-- their own failures only, so an attacker behind the same address (an
-- office, a mobile carrier's NAT) cannot lock the owner out.
CREATE TABLE login_devices (
  token_hash TEXT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  PRIMARY KEY (token_hash, user_id)
);
--bun:split
CREATE INDEX login_devices_user ON login_devices (user_id);
--bun:split
-- Single-use links now also unlock a throttled sign-in. SQLite cannot alter
-- a CHECK constraint: the table is rebuilt with the same rows and ids.
CREATE TABLE user_tokens_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password', 'unlock_login')),
  token_hash TEXT NOT NULL UNIQUE,
  expires_at TEXT NOT NULL,
  used_at TEXT,
  created_at TEXT NOT NULL
);
--bun:split
INSERT INTO user_tokens_new (id, user_id, purpose, token_hash, expires_at, used_at, created_at)
  SELECT id, user_id, purpose, token_hash, expires_at, used_at, created_at FROM user_tokens;
--bun:split
DROP TABLE user_tokens;
--bun:split
ALTER TABLE user_tokens_new RENAME TO user_tokens;
--bun:split
CREATE INDEX user_tokens_user ON user_tokens (user_id, purpose);
