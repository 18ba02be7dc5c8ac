import { sql, type Kysely } from 'kysely';

/**
 * Homework, tests and teacher-training assessments (智慧作业, 线上测评, 培训考核), pupils' attempts and
 * answers, knowledge-tracing mastery, the 错题本, and the xAPI statement store (lrs).
 *
 * Items and papers belong to the items module: an assignment keeps a frozen snapshot of the
 * delivered paper (the items as they were when assigned), so grading and analysis never change
 * when an item is edited later, and the submit path never has to read the items tables.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE hw_assignments (
      id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('homework','test','assessment')),
      title text NOT NULL,
      -- the school (homework) or the unit whose teachers take it (assessment): where it sits in the tree
      owner_unit_id uuid NOT NULL REFERENCES org_units(id),
      owner_path text NOT NULL,
      subject text,
      paper_id uuid,
      -- assessment mode: items are drawn per person from a bank instead of a fixed paper
      bank_id uuid,
      draw_count integer,
      draw_filters jsonb,
      -- { sections: [{ title, items: [{ key, itemId, version, score, item }] }], maxScore }
      paper jsonb NOT NULL,
      max_score double precision NOT NULL,
      opens_at timestamptz NOT NULL,
      closes_at timestamptz NOT NULL,
      time_limit_minutes integer CHECK (time_limit_minutes IS NULL OR time_limit_minutes > 0),
      max_attempts integer NOT NULL DEFAULT 1 CHECK (max_attempts BETWEEN 1 AND 20),
      shuffle_items boolean NOT NULL DEFAULT false,
      shuffle_options boolean NOT NULL DEFAULT false,
      show_answers text NOT NULL CHECK (show_answers IN ('immediately','after_close','never')),
      pass_score double precision,
      instructions text NOT NULL DEFAULT '',
      created_by uuid NOT NULL REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      archived_at timestamptz,
      CHECK (closes_at > opens_at)
    );
    CREATE INDEX hw_assignments_owner_idx ON hw_assignments (owner_path text_pattern_ops);

    -- the classes an assignment went to (whole class or some of its pupils): teachers reach it through them
    CREATE TABLE hw_assignment_classes (
      assignment_id uuid NOT NULL REFERENCES hw_assignments(id) ON DELETE CASCADE,
      class_id uuid NOT NULL REFERENCES org_units(id),
      class_path text NOT NULL,
      whole_class boolean NOT NULL,
      group_name text,
      PRIMARY KEY (assignment_id, class_id)
    );
    CREATE INDEX hw_assignment_classes_path_idx ON hw_assignment_classes (class_path text_pattern_ops);

    -- who must do it, expanded when it is assigned (pupils, or teachers for an assessment)
    CREATE TABLE hw_recipients (
      assignment_id uuid NOT NULL REFERENCES hw_assignments(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id),
      class_id uuid REFERENCES org_units(id),
      school_id uuid REFERENCES org_units(id),
      PRIMARY KEY (assignment_id, user_id)
    );
    CREATE INDEX hw_recipients_user_idx ON hw_recipients (user_id);

    -- saved pupil groups of a class (分组布置)
    CREATE TABLE hw_groups (
      id uuid PRIMARY KEY,
      class_id uuid NOT NULL REFERENCES org_units(id),
      name text NOT NULL,
      student_ids uuid[] NOT NULL,
      created_by uuid NOT NULL REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (class_id, name)
    );

    CREATE TABLE hw_attempts (
      id uuid PRIMARY KEY,
      assignment_id uuid NOT NULL REFERENCES hw_assignments(id),
      user_id uuid NOT NULL REFERENCES users(id),
      attempt_no integer NOT NULL,
      status text NOT NULL CHECK (status IN ('in_progress','submitted','graded')),
      -- the seed of this attempt's item order, option order and (assessments) item draw
      seed integer NOT NULL,
      -- item keys in the order this pupil sees them
      item_order jsonb NOT NULL,
      -- assessments: the items drawn for this person, { key, itemId, version, score, item }[]
      drawn_items jsonb,
      started_at timestamptz NOT NULL,
      deadline_at timestamptz NOT NULL,
      submitted_at timestamptz,
      graded_at timestamptz,
      -- the client's key for the submit request: a retried submit answers the same result
      submit_key text,
      auto_score double precision,
      score double precision,
      max_score double precision NOT NULL,
      pending_manual integer NOT NULL DEFAULT 0,
      -- bumped by every autosave: the client learns which of its saves the server has
      revision integer NOT NULL DEFAULT 0,
      UNIQUE (assignment_id, user_id, attempt_no)
    );
    -- at most one open attempt per person and assignment, whatever tabs or retries do
    CREATE UNIQUE INDEX hw_attempts_open_key ON hw_attempts (assignment_id, user_id) WHERE status = 'in_progress';
    CREATE INDEX hw_attempts_user_idx ON hw_attempts (user_id, started_at DESC);

    CREATE TABLE hw_responses (
      attempt_id uuid NOT NULL REFERENCES hw_attempts(id) ON DELETE CASCADE,
      item_key text NOT NULL,
      item_id uuid NOT NULL,
      response jsonb,
      saved_at timestamptz NOT NULL,
      score double precision,
      max_score double precision NOT NULL,
      is_correct boolean,
      needs_manual boolean NOT NULL DEFAULT false,
      detail jsonb,
      comment text,
      rubric_scores jsonb,
      graded_by uuid REFERENCES users(id),
      graded_at timestamptz,
      PRIMARY KEY (attempt_id, item_key)
    );

    -- knowledge tracing (BKT): one row per person and knowledge point
    CREATE TABLE hw_mastery (
      user_id uuid NOT NULL REFERENCES users(id),
      knowledge_point_id uuid NOT NULL,
      p_mastery double precision NOT NULL,
      observations integer NOT NULL DEFAULT 0,
      correct integer NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, knowledge_point_id)
    );

    -- 错题本: each person's wrong items, collected when graded, cleared by answering right in practice
    CREATE TABLE hw_wrong_items (
      user_id uuid NOT NULL REFERENCES users(id),
      item_id uuid NOT NULL,
      -- the item as it was answered, so the book can show it after the bank changes
      item jsonb NOT NULL,
      knowledge_point_ids uuid[] NOT NULL DEFAULT '{}',
      subject text,
      last_response jsonb,
      assignment_id uuid REFERENCES hw_assignments(id),
      wrong_count integer NOT NULL DEFAULT 1,
      practice_correct integer NOT NULL DEFAULT 0,
      first_wrong_at timestamptz NOT NULL,
      last_wrong_at timestamptz NOT NULL,
      mastered_at timestamptz,
      PRIMARY KEY (user_id, item_id)
    );
    CREATE INDEX hw_wrong_items_open_idx ON hw_wrong_items (user_id, last_wrong_at DESC) WHERE mastered_at IS NULL;

    -- xAPI statements (learning records): written with the answer or grade they record
    CREATE TABLE lrs_statements (
      id uuid PRIMARY KEY,
      actor_id uuid NOT NULL,
      verb text NOT NULL,
      object_id text NOT NULL,
      registration uuid,
      class_id uuid,
      score_scaled double precision,
      success boolean,
      "timestamp" timestamptz NOT NULL,
      stored timestamptz NOT NULL DEFAULT now(),
      statement jsonb NOT NULL
    );
    CREATE INDEX lrs_statements_actor_idx ON lrs_statements (actor_id, "timestamp" DESC);
    CREATE INDEX lrs_statements_registration_idx ON lrs_statements (registration);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE lrs_statements;
    DROP TABLE hw_wrong_items;
    DROP TABLE hw_mastery;
    DROP TABLE hw_responses;
    DROP TABLE hw_attempts;
    DROP TABLE hw_groups;
    DROP TABLE hw_recipients;
    DROP TABLE hw_assignment_classes;
    DROP TABLE hw_assignments;
  `.execute(db);
}
