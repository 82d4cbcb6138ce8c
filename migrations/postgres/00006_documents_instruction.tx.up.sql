-- Documents, instruction (full-text search and filters), messages, private
-- notes and in-app notifications.

-- In-app notifications: one row per recipient. Generic on purpose (kind,
-- title, body, link): every feature that tells a user something writes here.
CREATE TABLE notifications (
  id BIGSERIAL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  link TEXT NOT NULL DEFAULT '',
  created_at TIMESTAMPTZ NOT NULL,
  read_at TIMESTAMPTZ
);
--bun:split
CREATE INDEX notifications_user ON notifications (user_id, id);
--bun:split
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
--bun:split
-- The thread between an application's organisation and the staff.
CREATE TABLE messages (
  id BIGSERIAL PRIMARY KEY,
  application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  author_id BIGINT REFERENCES users (id),
  author_name TEXT NOT NULL DEFAULT '',
  from_staff BOOLEAN NOT NULL,
  body TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
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
  id BIGSERIAL PRIMARY KEY,
  application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  author_id BIGINT REFERENCES users (id),
  author_name TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
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
-- Text folded before the french stemmer, on documents and queries alike:
-- accents removed (the stemmer leaves "vélos" whole) and the plural s or x
-- of words of four letters or more dropped (snowball keeps the s after a
-- vowel: "velos"). "vélos", "velos", "vélo" then all index as 'velo'.
CREATE FUNCTION tremplin_fold(t TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT regexp_replace(
    translate(replace(replace(lower(t), 'œ', 'oe'), 'æ', 'ae'),
      'àâäáãåçéèêëíìîïñóòôöõúùûüýÿ', 'aaaaaaceeeeiiiinooooouuuuyy'),
    '([a-z]{3})[sx]\M', '\1', 'g')
$$;
--bun:split
-- Every string value of an answers document, space-separated.
CREATE FUNCTION tremplin_json_text(doc JSONB) RETURNS TEXT LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(string_agg(v #>> '{}', ' '), '')
  FROM jsonb_path_query(doc, 'strict $.**') AS v
  WHERE jsonb_typeof(v) = 'string'
$$;
--bun:split
ALTER TABLE applications ADD COLUMN search_vector TSVECTOR NOT NULL DEFAULT ''::tsvector;
--bun:split
CREATE FUNCTION applications_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('french', tremplin_fold(coalesce(NEW.title, ''))), 'A') ||
    setweight(to_tsvector('french', tremplin_fold(coalesce(
      (SELECT o.legal_name FROM organisations o WHERE o.id = NEW.org_id), ''))), 'B') ||
    setweight(to_tsvector('french', tremplin_fold(tremplin_json_text(NEW.answers))), 'C');
  RETURN NEW;
END
$$;
--bun:split
CREATE TRIGGER applications_search BEFORE INSERT OR UPDATE OF title, answers, org_id ON applications
  FOR EACH ROW EXECUTE FUNCTION applications_search_refresh();
--bun:split
CREATE FUNCTION applications_facets_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM application_facets WHERE application_id = NEW.id;
  INSERT INTO application_facets (application_id, facet)
  SELECT DISTINCT NEW.id, f.facet FROM (
    SELECT 'commune:' || c.insee AS facet FROM communes c
    WHERE c.insee IN (SELECT v #>> '{}' FROM jsonb_path_query(NEW.answers, 'strict $.**') AS v WHERE jsonb_typeof(v) = 'string')
    UNION
    SELECT 'public:' || p.code FROM target_publics p
    WHERE p.code IN (SELECT v #>> '{}' FROM jsonb_path_query(NEW.answers, 'strict $.**') AS v WHERE jsonb_typeof(v) = 'string')
  ) AS f;
  INSERT INTO application_facets (application_id, facet)
  SELECT NEW.id, 'commune:' || o.commune_insee FROM organisations o
  WHERE o.id = NEW.org_id AND o.commune_insee IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM application_facets af WHERE af.application_id = NEW.id AND af.facet LIKE 'commune:%');
  RETURN NULL;
END
$$;
--bun:split
CREATE TRIGGER applications_facets AFTER INSERT OR UPDATE OF answers, org_id ON applications
  FOR EACH ROW EXECUTE FUNCTION applications_facets_refresh();
--bun:split
-- A renamed organisation is found under its new name.
CREATE FUNCTION organisations_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.legal_name IS DISTINCT FROM OLD.legal_name OR NEW.commune_insee IS DISTINCT FROM OLD.commune_insee THEN
    UPDATE applications SET org_id = org_id WHERE org_id = NEW.id;
  END IF;
  RETURN NULL;
END
$$;
--bun:split
CREATE TRIGGER organisations_search AFTER UPDATE OF legal_name, commune_insee ON organisations
  FOR EACH ROW EXECUTE FUNCTION organisations_search_refresh();
--bun:split
UPDATE applications SET org_id = org_id;
--bun:split
CREATE INDEX applications_search ON applications USING GIN (search_vector);
--bun:split
-- The instruction list's order: submission time (creation time for the few
-- rows without one), then id.
CREATE INDEX applications_instruction_order ON applications ((COALESCE(submitted_at, created_at)), id);
