import { sql, type Kysely } from 'kysely';

/**
 * The resource centre: curriculum catalogue, content-addressed files and resumable uploads,
 * resources with their review workflow and screening reports, the sensitive-word list, social
 * features (favourites, ratings, comments, collections), usage events and the push-upward queue;
 * and the in-app notifications the workflow sends.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE curriculum_units (
      id uuid PRIMARY KEY,
      edition text NOT NULL,
      subject text NOT NULL,
      grade_level smallint NOT NULL CHECK (grade_level BETWEEN 1 AND 6),
      term text NOT NULL CHECK (term IN ('first','second')),
      parent_id uuid REFERENCES curriculum_units(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('unit','lesson')),
      seq integer NOT NULL,
      title text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX curriculum_units_book_idx ON curriculum_units (edition, subject, grade_level, term, seq);
    CREATE UNIQUE INDEX curriculum_units_key ON curriculum_units (edition, subject, grade_level, term, coalesce(parent_id::text, ''), title);

    -- one row per distinct content (SHA-256): two uploads of the same file share it
    CREATE TABLE stored_files (
      hash text PRIMARY KEY,
      size bigint NOT NULL,
      mime text NOT NULL,
      storage_key text NOT NULL,
      -- text extracted for screening and search (PDF, .docx, .pptx, .txt), capped
      text_content text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE resource_uploads (
      id uuid PRIMARY KEY,
      owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      file_name text NOT NULL,
      mime text NOT NULL,
      size bigint NOT NULL,
      received bigint NOT NULL DEFAULT 0,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','complete')),
      file_hash text REFERENCES stored_files(hash),
      deduplicated boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX resource_uploads_owner_idx ON resource_uploads (owner_id, created_at);

    CREATE TABLE resources (
      id uuid PRIMARY KEY,
      type text NOT NULL,
      title text NOT NULL,
      description text NOT NULL DEFAULT '',
      subject text NOT NULL,
      grade_level smallint NOT NULL,
      term text NOT NULL,
      edition text NOT NULL,
      unit_id uuid REFERENCES curriculum_units(id) ON DELETE SET NULL,
      knowledge_points text[] NOT NULL DEFAULT '{}',
      keywords text[] NOT NULL DEFAULT '{}',
      author_name text NOT NULL,
      licence text NOT NULL,
      level text NOT NULL,
      marks text[] NOT NULL DEFAULT '{}',
      owner_id uuid NOT NULL REFERENCES users(id),
      school_id uuid NOT NULL REFERENCES org_units(id),
      -- the school's org path: who manages the resource (school admins, bureaus above)
      school_path text NOT NULL,
      audience text NOT NULL CHECK (audience IN ('school','district','city','public')),
      -- the unit it is published to and its path (null for public): who may see it, by the search
      -- module's visibility rule (public / scoped to visible_path)
      visible_path text,
      visibility text GENERATED ALWAYS AS (CASE WHEN audience = 'public' THEN 'public' ELSE 'scoped' END) STORED,
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','in_review','returned','published','withdrawn')),
      review_levels text[] NOT NULL DEFAULT '{}',
      review_index smallint NOT NULL DEFAULT 0,
      return_reason text,
      file_hash text REFERENCES stored_files(hash),
      file_name text,
      -- SimHash (64 bits, as a signed bigint) of title, description and file text over jieba tokens
      simhash bigint,
      download_count integer NOT NULL DEFAULT 0,
      view_count integer NOT NULL DEFAULT 0,
      favourite_count integer NOT NULL DEFAULT 0,
      rating_sum integer NOT NULL DEFAULT 0,
      rating_count integer NOT NULL DEFAULT 0,
      comment_count integer NOT NULL DEFAULT 0,
      submitted_at timestamptz,
      published_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz
    );
    CREATE INDEX resources_owner_idx ON resources (owner_id, updated_at DESC) WHERE deleted_at IS NULL;
    CREATE INDEX resources_published_idx ON resources (published_at DESC) WHERE status = 'published' AND deleted_at IS NULL;
    CREATE INDEX resources_school_path_idx ON resources (school_path text_pattern_ops) WHERE deleted_at IS NULL;
    CREATE INDEX resources_catalogue_idx ON resources (subject, grade_level, term) WHERE status = 'published' AND deleted_at IS NULL;
    CREATE INDEX resources_unit_idx ON resources (unit_id) WHERE deleted_at IS NULL;
    CREATE INDEX resources_review_idx ON resources (status, submitted_at) WHERE status = 'in_review';
    CREATE INDEX resources_file_idx ON resources (file_hash) WHERE deleted_at IS NULL;

    CREATE TABLE resource_screenings (
      id uuid PRIMARY KEY,
      resource_id uuid NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
      safety_hits jsonb NOT NULL DEFAULT '[]'::jsonb,
      duplicates jsonb NOT NULL DEFAULT '[]'::jsonb,
      is_flagged boolean NOT NULL,
      text_length integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX resource_screenings_resource_idx ON resource_screenings (resource_id, created_at DESC);

    -- every workflow step, for the reviewer and the submitter (the audit log records them too)
    CREATE TABLE resource_review_steps (
      id uuid PRIMARY KEY,
      resource_id uuid NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
      action text NOT NULL CHECK (action IN ('submit','screen','approve','return','publish','withdraw')),
      level text,
      actor_id uuid REFERENCES users(id),
      comment text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX resource_review_steps_resource_idx ON resource_review_steps (resource_id, created_at);

    CREATE TABLE sensitive_words (
      id uuid PRIMARY KEY,
      word text NOT NULL UNIQUE,
      category text NOT NULL,
      source text NOT NULL CHECK (source IN ('lexicon','admin')),
      is_enabled boolean NOT NULL DEFAULT true,
      created_by uuid REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX sensitive_words_category_idx ON sensitive_words (category);

    CREATE TABLE resource_favourites (
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      resource_id uuid NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, resource_id)
    );
    CREATE TABLE resource_ratings (
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      resource_id uuid NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
      stars smallint NOT NULL CHECK (stars BETWEEN 1 AND 5),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, resource_id)
    );
    CREATE TABLE resource_comments (
      id uuid PRIMARY KEY,
      resource_id uuid NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      body text NOT NULL,
      -- a comment with sensitive words is held for the resource's reviewers instead of shown
      status text NOT NULL CHECK (status IN ('published','held')),
      hits jsonb NOT NULL DEFAULT '[]'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz
    );
    CREATE INDEX resource_comments_resource_idx ON resource_comments (resource_id, created_at);

    CREATE TABLE resource_collections (
      id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('directory','collection')),
      title text NOT NULL,
      description text NOT NULL DEFAULT '',
      subject text,
      grade_level smallint,
      community text NOT NULL DEFAULT '',
      owner_id uuid NOT NULL REFERENCES users(id),
      school_id uuid NOT NULL REFERENCES org_units(id),
      audience text NOT NULL CHECK (audience IN ('school','district','city','public')),
      visible_path text,
      visibility text GENERATED ALWAYS AS (CASE WHEN audience = 'public' THEN 'public' ELSE 'scoped' END) STORED,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE resource_collection_items (
      collection_id uuid NOT NULL REFERENCES resource_collections(id) ON DELETE CASCADE,
      resource_id uuid NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
      seq integer NOT NULL,
      note text NOT NULL DEFAULT '',
      PRIMARY KEY (collection_id, resource_id)
    );

    -- one row per view or download, for usage statistics by day, school and district
    CREATE TABLE resource_events (
      id bigserial PRIMARY KEY,
      resource_id uuid NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('view','download')),
      user_id uuid,
      -- the viewer's school path (null for anonymous visitors and bureau staff)
      viewer_school_path text,
      at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX resource_events_resource_idx ON resource_events (resource_id, at);
    CREATE INDEX resource_events_at_idx ON resource_events (at);

    CREATE TABLE resource_push_queue (
      id uuid PRIMARY KEY,
      resource_id uuid NOT NULL UNIQUE REFERENCES resources(id) ON DELETE CASCADE,
      status text NOT NULL CHECK (status IN ('queued','sent','failed','cancelled')),
      requested_by uuid NOT NULL REFERENCES users(id),
      requested_at timestamptz NOT NULL DEFAULT now(),
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX resource_push_queue_status_idx ON resource_push_queue (status, requested_at);

    CREATE TABLE notifications (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      kind text NOT NULL,
      title text NOT NULL,
      body text NOT NULL DEFAULT '',
      link text,
      read_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE notifications; DROP TABLE resource_push_queue; DROP TABLE resource_events;
    DROP TABLE resource_collection_items; DROP TABLE resource_collections; DROP TABLE resource_comments;
    DROP TABLE resource_ratings; DROP TABLE resource_favourites; DROP TABLE sensitive_words;
    DROP TABLE resource_review_steps; DROP TABLE resource_screenings; DROP TABLE resources;
    DROP TABLE resource_uploads; DROP TABLE stored_files; DROP TABLE curriculum_units;
  `.execute(db);
}
