-- Up Migration
-- The notes app: nested folders, notes, tags. Deliberately uses what real schemas use (an enum,
-- identity and serial keys, a self-referencing foreign key, a unique constraint, a view, a trigger
-- function, jsonb, bytea, timestamptz), so the backup tests restore something that means something.

CREATE TYPE note_status AS ENUM ('draft', 'active', 'archived');

CREATE TABLE folders (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  parent_id   integer REFERENCES folders (id) ON DELETE CASCADE,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at  timestamptz NOT NULL DEFAULT now()
);
-- One name per parent; top-level folders (parent NULL) are unique among themselves too.
CREATE UNIQUE INDEX folders_parent_name_key ON folders (coalesce(parent_id, 0), name);

CREATE TABLE notes (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  folder_id   integer REFERENCES folders (id) ON DELETE SET NULL,
  title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
  body        text NOT NULL DEFAULT '',
  status      note_status NOT NULL DEFAULT 'active',
  metadata    jsonb NOT NULL DEFAULT '{}'::jsonb,
  attachment  bytea,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notes_folder_id_idx ON notes (folder_id);

CREATE TABLE tags (
  id    serial PRIMARY KEY,
  name  text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100)
);

CREATE TABLE note_tags (
  note_id  bigint NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
  tag_id   integer NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  PRIMARY KEY (note_id, tag_id)
);

CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

CREATE TRIGGER notes_touch_updated_at BEFORE UPDATE ON notes
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE VIEW note_overview AS
SELECT n.id,
       n.title,
       f.name AS folder,
       n.status,
       coalesce(array_agg(t.name ORDER BY t.name) FILTER (WHERE t.name IS NOT NULL), '{}') AS tags,
       n.updated_at
  FROM notes n
  LEFT JOIN folders f ON f.id = n.folder_id
  LEFT JOIN note_tags nt ON nt.note_id = n.id
  LEFT JOIN tags t ON t.id = nt.tag_id
 GROUP BY n.id, f.name;

-- Down Migration
DROP VIEW note_overview;
DROP TABLE note_tags;
DROP TABLE tags;
DROP TABLE notes;
DROP TABLE folders;
DROP FUNCTION touch_updated_at();
DROP TYPE note_status;
