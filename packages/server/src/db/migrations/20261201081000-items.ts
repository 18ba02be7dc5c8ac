import { sql, type Kysely } from 'kysely';

/**
 * The question bank (题库): knowledge points, banks shared by scope, items with immutable
 * versions (a paper pins the version its pupils saw), and papers (试卷) with sections.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE knowledge_points (
      id uuid PRIMARY KEY,
      subject text NOT NULL,
      -- null for a strand (领域) that spans grades
      grade smallint,
      code text NOT NULL UNIQUE,
      name text NOT NULL,
      parent_id uuid REFERENCES knowledge_points(id),
      path text NOT NULL,
      strand text NOT NULL,
      sort_order integer NOT NULL DEFAULT 0
    );
    CREATE INDEX knowledge_points_subject_idx ON knowledge_points (subject, grade, sort_order);

    CREATE TABLE item_banks (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      description text NOT NULL DEFAULT '',
      subject text,
      owner_unit_id uuid NOT NULL REFERENCES org_units(id),
      owner_path text NOT NULL,
      share_scope text NOT NULL CHECK (share_scope IN ('school', 'district', 'city', 'public')),
      -- the subtree that may read the bank: the owner's school, district or city, or '/' for public
      visible_path text NOT NULL,
      created_by uuid REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      archived_at timestamptz
    );
    CREATE INDEX item_banks_visible_idx ON item_banks (visible_path text_pattern_ops) WHERE archived_at IS NULL;

    CREATE TABLE items (
      id uuid PRIMARY KEY,
      bank_id uuid NOT NULL REFERENCES item_banks(id),
      type text NOT NULL,
      subject text NOT NULL,
      grade smallint NOT NULL,
      difficulty smallint NOT NULL,
      score double precision NOT NULL,
      knowledge_point_ids uuid[] NOT NULL DEFAULT '{}',
      -- the stem as plain text, for search and previews
      stem_text text NOT NULL,
      current_version integer NOT NULL,
      current_version_id uuid NOT NULL,
      created_by uuid REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      archived_at timestamptz
    );
    CREATE INDEX items_filter_idx ON items (bank_id, subject, grade, type) WHERE archived_at IS NULL;
    CREATE INDEX items_kp_idx ON items USING gin (knowledge_point_ids);

    CREATE TABLE item_versions (
      id uuid PRIMARY KEY,
      item_id uuid NOT NULL REFERENCES items(id),
      version integer NOT NULL,
      content jsonb NOT NULL,
      created_by uuid REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (item_id, version)
    );
    -- a version is what pupils saw and were graded against: it never changes
    CREATE FUNCTION item_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'item_versions are immutable';
    END $$;
    CREATE TRIGGER item_versions_no_update BEFORE UPDATE OR DELETE ON item_versions
      FOR EACH ROW EXECUTE FUNCTION item_versions_immutable();

    CREATE TABLE papers (
      id uuid PRIMARY KEY,
      title text NOT NULL,
      subject text NOT NULL,
      grade smallint NOT NULL,
      owner_unit_id uuid NOT NULL REFERENCES org_units(id),
      owner_path text NOT NULL,
      duration_minutes integer NOT NULL DEFAULT 0,
      total_score double precision NOT NULL DEFAULT 0,
      item_count integer NOT NULL DEFAULT 0,
      -- bumped on every save; a delivery records the revision it was taken from
      revision integer NOT NULL DEFAULT 1,
      created_by uuid REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      archived_at timestamptz
    );
    CREATE INDEX papers_owner_idx ON papers (owner_path text_pattern_ops) WHERE archived_at IS NULL;

    CREATE TABLE paper_sections (
      id uuid PRIMARY KEY,
      paper_id uuid NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
      position integer NOT NULL,
      title text NOT NULL,
      instructions text NOT NULL DEFAULT '',
      UNIQUE (paper_id, position)
    );
    CREATE TABLE paper_items (
      section_id uuid NOT NULL REFERENCES paper_sections(id) ON DELETE CASCADE,
      paper_id uuid NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
      position integer NOT NULL,
      item_id uuid NOT NULL REFERENCES items(id),
      item_version_id uuid NOT NULL REFERENCES item_versions(id),
      score double precision NOT NULL,
      PRIMARY KEY (section_id, position)
    );
    CREATE INDEX paper_items_paper_idx ON paper_items (paper_id);
    CREATE INDEX paper_items_item_idx ON paper_items (item_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE paper_items; DROP TABLE paper_sections; DROP TABLE papers;
    DROP TABLE item_versions; DROP FUNCTION item_versions_immutable();
    DROP TABLE items; DROP TABLE item_banks; DROP TABLE knowledge_points;
  `.execute(db);
}
