-- Identity, continued: TOTP replay protection and the indexes the audit
-- search and the RGPD erasure need.

-- The last TOTP time step accepted for a user: a code is refused if its step
-- is not newer, so an observed code cannot be replayed within its window.
ALTER TABLE users ADD COLUMN totp_last_counter BIGINT NOT NULL DEFAULT 0;
--bun:split
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
--bun:split
CREATE INDEX audit_log_action ON audit_log (action, id);
--bun:split
CREATE INDEX org_invitations_email ON org_invitations (email);
--bun:split
CREATE INDEX users_kind ON users (kind, id);
