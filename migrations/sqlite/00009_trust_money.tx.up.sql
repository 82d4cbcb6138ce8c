-- Trust, money (issue "Trust", sections 3 and 4). A decision names its
-- beneficiary as it was when the decision was recorded: open data publishes
-- that name and those identifiers, not the organisation's current profile.
-- Existing decisions are back-filled from their organisation as it is now,
-- the best knowledge there is.

ALTER TABLE decisions ADD COLUMN beneficiary_name TEXT NOT NULL DEFAULT '';
--bun:split
ALTER TABLE decisions ADD COLUMN beneficiary_siret TEXT;
--bun:split
ALTER TABLE decisions ADD COLUMN beneficiary_rna TEXT;
--bun:split
UPDATE decisions SET
  beneficiary_name = COALESCE((SELECT o.legal_name FROM applications AS a JOIN organisations AS o ON o.id = a.org_id
    WHERE a.id = decisions.application_id), ''),
  beneficiary_siret = (SELECT o.siret FROM applications AS a JOIN organisations AS o ON o.id = a.org_id
    WHERE a.id = decisions.application_id),
  beneficiary_rna = (SELECT o.rna FROM applications AS a JOIN organisations AS o ON o.id = a.org_id
    WHERE a.id = decisions.application_id);
