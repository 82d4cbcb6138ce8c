-- Base tables that later migrations extend. Times are UTC; money is integer cents.

CREATE TABLE epts (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL
);
--bun:split
INSERT INTO epts (code, name) VALUES
  ('T6', 'Plaine Commune'),
  ('T7', 'Paris Terres d''Envol'),
  ('T8', 'Est Ensemble'),
  ('T9', 'Grand Paris Grand Est');
--bun:split
CREATE TABLE communes (
  insee TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  ept_code TEXT NOT NULL REFERENCES epts (code)
);
--bun:split
INSERT INTO communes (insee, name, ept_code) VALUES
  ('93001', 'Aubervilliers', 'T6'),
  ('93005', 'Aulnay-sous-Bois', 'T7'),
  ('93006', 'Bagnolet', 'T8'),
  ('93007', 'Le Blanc-Mesnil', 'T7'),
  ('93008', 'Bobigny', 'T8'),
  ('93010', 'Bondy', 'T8'),
  ('93013', 'Le Bourget', 'T7'),
  ('93014', 'Clichy-sous-Bois', 'T9'),
  ('93015', 'Coubron', 'T9'),
  ('93027', 'La Courneuve', 'T6'),
  ('93029', 'Drancy', 'T7'),
  ('93030', 'Dugny', 'T7'),
  ('93031', 'Épinay-sur-Seine', 'T6'),
  ('93032', 'Gagny', 'T9'),
  ('93033', 'Gournay-sur-Marne', 'T9'),
  ('93039', 'L''Île-Saint-Denis', 'T6'),
  ('93045', 'Les Lilas', 'T8'),
  ('93046', 'Livry-Gargan', 'T9'),
  ('93047', 'Montfermeil', 'T9'),
  ('93048', 'Montreuil', 'T8'),
  ('93049', 'Neuilly-Plaisance', 'T9'),
  ('93050', 'Neuilly-sur-Marne', 'T9'),
  ('93051', 'Noisy-le-Grand', 'T9'),
  ('93053', 'Noisy-le-Sec', 'T8'),
  ('93055', 'Pantin', 'T8'),
  ('93057', 'Les Pavillons-sous-Bois', 'T9'),
  ('93059', 'Pierrefitte-sur-Seine', 'T6'),
  ('93061', 'Le Pré-Saint-Gervais', 'T8'),
  ('93062', 'Le Raincy', 'T9'),
  ('93063', 'Romainville', 'T8'),
  ('93064', 'Rosny-sous-Bois', 'T9'),
  ('93066', 'Saint-Denis', 'T6'),
  ('93070', 'Saint-Ouen-sur-Seine', 'T6'),
  ('93071', 'Sevran', 'T7'),
  ('93072', 'Stains', 'T6'),
  ('93073', 'Tremblay-en-France', 'T7'),
  ('93074', 'Vaujours', 'T9'),
  ('93077', 'Villemomble', 'T9'),
  ('93078', 'Villepinte', 'T7'),
  ('93079', 'Villetaneuse', 'T6');
--bun:split
CREATE TABLE directions (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL
);
--bun:split
INSERT INTO directions (code, name) VALUES
  ('DIESS', 'Direction de l''insertion, de l''emploi et de l''économie sociale et solidaire'),
  ('DA', 'Direction de l''autonomie (personnes âgées et personnes handicapées)'),
  ('DPAS', 'Direction de la prévention et de l''action sociale'),
  ('DTCM', 'Direction des territoires, de la coopération et des mobilités');
--bun:split
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL DEFAULT 'applicant' CHECK (kind IN ('applicant', 'staff')),
  email_verified_at TEXT,
  disabled_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
--bun:split
-- A grant gives a user a role in a domain: '*' (everywhere), 'org:<id>',
-- 'call:<id>' or 'dir:<code>'. Roles are data; their permissions live in
-- policies/policy.csv.
CREATE TABLE grants (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  domain TEXT NOT NULL,
  granted_by BIGINT REFERENCES users (id),
  created_at TEXT NOT NULL,
  UNIQUE (user_id, role, domain)
);
--bun:split
CREATE INDEX grants_domain ON grants (domain, role);
--bun:split
CREATE TABLE organisations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  legal_name TEXT NOT NULL,
  siret TEXT UNIQUE,
  rna TEXT UNIQUE,
  legal_form TEXT NOT NULL DEFAULT 'association',
  address TEXT NOT NULL DEFAULT '',
  postal_code TEXT NOT NULL DEFAULT '',
  city TEXT NOT NULL DEFAULT '',
  commune_insee TEXT REFERENCES communes (insee),
  profile TEXT NOT NULL DEFAULT '{}',
  created_by BIGINT REFERENCES users (id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  CHECK (siret IS NOT NULL OR rna IS NOT NULL)
);
--bun:split
CREATE TABLE calls (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  title TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '',
  description_html TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  workflow_version INTEGER NOT NULL DEFAULT 1,
  themes TEXT NOT NULL DEFAULT '[]',
  publics TEXT NOT NULL DEFAULT '[]',
  communes TEXT NOT NULL DEFAULT '[]',
  directions TEXT NOT NULL DEFAULT '[]',
  envelope_cents BIGINT NOT NULL DEFAULT 0 CHECK (envelope_cents >= 0),
  max_amount_cents BIGINT NOT NULL DEFAULT 0 CHECK (max_amount_cents >= 0),
  opens_at TEXT,
  closes_at TEXT,
  settings TEXT NOT NULL DEFAULT '{}',
  created_by BIGINT REFERENCES users (id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
--bun:split
CREATE INDEX calls_state_closes_at ON calls (state, closes_at);
--bun:split
CREATE TABLE applications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  reference TEXT NOT NULL UNIQUE,
  call_id BIGINT NOT NULL REFERENCES calls (id),
  org_id BIGINT NOT NULL REFERENCES organisations (id),
  title TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  workflow_version INTEGER NOT NULL DEFAULT 1,
  answers TEXT NOT NULL DEFAULT '{}',
  budget TEXT NOT NULL DEFAULT '{}',
  requested_cents BIGINT NOT NULL DEFAULT 0 CHECK (requested_cents >= 0),
  submitted_at TEXT,
  created_by BIGINT REFERENCES users (id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
--bun:split
CREATE INDEX applications_call_state ON applications (call_id, state, id);
--bun:split
CREATE INDEX applications_org ON applications (org_id, id);
--bun:split
CREATE TABLE documents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  application_id BIGINT REFERENCES applications (id) ON DELETE CASCADE,
  slot TEXT NOT NULL DEFAULT '',
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size_bytes BIGINT NOT NULL CHECK (size_bytes >= 0),
  sha256 TEXT NOT NULL,
  object_key TEXT NOT NULL UNIQUE,
  replaced_by BIGINT REFERENCES documents (id),
  uploaded_by BIGINT REFERENCES users (id),
  created_at TEXT NOT NULL
);
--bun:split
CREATE INDEX documents_application ON documents (application_id, slot);
--bun:split
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor_id BIGINT,
  actor TEXT NOT NULL DEFAULT '',
  ip TEXT NOT NULL DEFAULT '',
  request_id TEXT NOT NULL DEFAULT '',
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '{}',
  -- seq, prev_hash and hash are set by the sealer after commit, in seal
  -- order, so concurrent use cases never serialise on the chain.
  seq BIGINT UNIQUE,
  prev_hash TEXT NOT NULL DEFAULT '',
  hash TEXT NOT NULL DEFAULT ''
);
--bun:split
CREATE INDEX audit_log_object ON audit_log (object_type, object_id, id);
--bun:split
CREATE INDEX audit_log_unsealed ON audit_log (id) WHERE seq IS NULL;
--bun:split
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at TEXT NOT NULL,
  task_type TEXT NOT NULL,
  task_id TEXT NOT NULL UNIQUE,
  queue TEXT NOT NULL DEFAULT 'default',
  payload TEXT NOT NULL DEFAULT '{}',
  process_at TEXT,
  dispatched_at TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT ''
);
--bun:split
CREATE INDEX outbox_pending ON outbox (id) WHERE dispatched_at IS NULL;
