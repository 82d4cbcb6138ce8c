-- An e-mail the embedded mailer wrote to a file (SMTP_URL empty) left no
-- server: it is "written", not "sent", so the admin screen shows it as not
-- delivered and an administrator may resend it once SMTP is configured.
ALTER TABLE mail_log DROP CONSTRAINT mail_log_state_check;
--bun:split
ALTER TABLE mail_log ADD CONSTRAINT mail_log_state_check
  CHECK (state IN ('pending', 'sending', 'sent', 'written', 'failed', 'uncertain', 'skipped'));
