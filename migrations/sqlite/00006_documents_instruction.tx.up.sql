-- Documents, instruction (full-text search and filters), messages, private
-- notes and in-app notifications.

-- In-app notifications: one row per recipient. Generic on purpose (kind,
-- title, body, link): every feature that tells a user something writes here.
CREATE TABLE notifications (
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
CREATE INDEX notifications_user ON notifications (user_id, id);
--bun:split
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
--bun:split
-- The thread between an application's organisation and the staff.
CREATE TABLE messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  author_id BIGINT REFERENCES users (id),
  author_name TEXT NOT NULL DEFAULT '',
  from_staff BOOLEAN NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL
);
--bun:split
CREATE INDEX messages_application ON messages (application_id, id);
--bun:split
-- A message's attachments are documents of the application with no slot.
ALTER TABLE documents ADD COLUMN message_id BIGINT REFERENCES messages (id) ON DELETE CASCADE;
--bun:split
CREATE INDEX documents_message ON documents (message_id) WHERE message_id IS NOT NULL;
--bun:split
-- Private notes: staff only, never shown to the applicant.
CREATE TABLE notes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  author_id BIGINT REFERENCES users (id),
  author_name TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL,
  created_at TEXT NOT NULL
);
--bun:split
CREATE INDEX notes_application ON notes (application_id, id);
--bun:split
-- The target publics of the brief (domain.Publics); answers naming them are
-- indexed as facets of the application.
CREATE TABLE target_publics (
  code TEXT PRIMARY KEY,
  label TEXT NOT NULL
);
--bun:split
INSERT INTO target_publics (code, label) VALUES
  ('personnes_agees', 'Personnes âgées'),
  ('personnes_handicapees', 'Personnes en situation de handicap'),
  ('publics_insertion', 'Publics en insertion (RSA…)'),
  ('usagers_service_social', 'Usagers des circonscriptions du service social'),
  ('jeunes', 'Jeunes');
--bun:split
-- Facets of an application for the instruction filters: 'commune:<insee>'
-- (communes named in its answers, else its organisation's commune) and
-- 'public:<code>'. Kept by triggers, so every writer of answers keeps them.
CREATE TABLE application_facets (
  application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  facet TEXT NOT NULL,
  PRIMARY KEY (facet, application_id)
);
--bun:split
CREATE INDEX application_facets_application ON application_facets (application_id);
--bun:split
-- Full-text index of title, organisation name and every string answer.
-- porter strips French plurals well enough ("vélos" → "velo") once
-- remove_diacritics has folded the accents.
CREATE VIRTUAL TABLE applications_fts USING fts5(title, org, body, tokenize = 'porter unicode61 remove_diacritics 2');
--bun:split
CREATE TRIGGER applications_index_insert AFTER INSERT ON applications BEGIN
  INSERT INTO applications_fts (rowid, title, org, body) VALUES (NEW.id, NEW.title,
    coalesce((SELECT o.legal_name FROM organisations o WHERE o.id = NEW.org_id), ''),
    coalesce((SELECT group_concat(j.value, ' ') FROM json_tree(NEW.answers) AS j WHERE j.type = 'text'), ''));
  INSERT OR IGNORE INTO application_facets (application_id, facet)
    SELECT NEW.id, 'commune:' || c.insee FROM communes c
    WHERE c.insee IN (SELECT j.value FROM json_tree(NEW.answers) AS j WHERE j.type = 'text');
  INSERT OR IGNORE INTO application_facets (application_id, facet)
    SELECT NEW.id, 'public:' || p.code FROM target_publics p
    WHERE p.code IN (SELECT j.value FROM json_tree(NEW.answers) AS j WHERE j.type = 'text');
  INSERT OR IGNORE INTO application_facets (application_id, facet)
    SELECT NEW.id, 'commune:' || o.commune_insee FROM organisations o
    WHERE o.id = NEW.org_id AND o.commune_insee IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM application_facets af WHERE af.application_id = NEW.id AND af.facet LIKE 'commune:%');
END;
--bun:split
CREATE TRIGGER applications_index_update AFTER UPDATE OF title, answers, org_id ON applications BEGIN
  DELETE FROM applications_fts WHERE rowid = OLD.id;
  INSERT INTO applications_fts (rowid, title, org, body) VALUES (NEW.id, NEW.title,
    coalesce((SELECT o.legal_name FROM organisations o WHERE o.id = NEW.org_id), ''),
    coalesce((SELECT group_concat(j.value, ' ') FROM json_tree(NEW.answers) AS j WHERE j.type = 'text'), ''));
  DELETE FROM application_facets WHERE application_id = NEW.id;
  INSERT OR IGNORE INTO application_facets (application_id, facet)
    SELECT NEW.id, 'commune:' || c.insee FROM communes c
    WHERE c.insee IN (SELECT j.value FROM json_tree(NEW.answers) AS j WHERE j.type = 'text');
  INSERT OR IGNORE INTO application_facets (application_id, facet)
    SELECT NEW.id, 'public:' || p.code FROM target_publics p
    WHERE p.code IN (SELECT j.value FROM json_tree(NEW.answers) AS j WHERE j.type = 'text');
  INSERT OR IGNORE INTO application_facets (application_id, facet)
    SELECT NEW.id, 'commune:' || o.commune_insee FROM organisations o
    WHERE o.id = NEW.org_id AND o.commune_insee IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM application_facets af WHERE af.application_id = NEW.id AND af.facet LIKE 'commune:%');
END;
--bun:split
CREATE TRIGGER applications_index_delete AFTER DELETE ON applications BEGIN
  DELETE FROM applications_fts WHERE rowid = OLD.id;
END;
--bun:split
-- A renamed organisation is found under its new name.
CREATE TRIGGER organisations_index_update AFTER UPDATE OF legal_name, commune_insee ON organisations BEGIN
  UPDATE applications SET org_id = org_id WHERE org_id = NEW.id;
END;
--bun:split
UPDATE applications SET org_id = org_id WHERE id IN (SELECT id FROM applications);
--bun:split
-- The instruction list's order: submission time (creation time for the few
-- rows without one), then id.
CREATE INDEX applications_instruction_order ON applications ((COALESCE(submitted_at, created_at)), id);
