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
  created_at TIMESTAMPTZ NOT NULL,
  last_seen_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (token_hash, user_id)
);
--bun:split
CREATE INDEX login_devices_user ON login_devices (user_id);
--bun:split
-- Single-use links now also unlock a throttled sign-in.
ALTER TABLE user_tokens DROP CONSTRAINT user_tokens_purpose_check;
--bun:split
ALTER TABLE user_tokens ADD CONSTRAINT user_tokens_purpose_check
  CHECK (purpose IN ('verify_email', 'reset_password', 'unlock_login'));
