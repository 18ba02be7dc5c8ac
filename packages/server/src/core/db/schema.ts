import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type OrgUnitsTable = {
  id: string;
  kind: string;
  parent_id: string | null;
  path: string;
  name: string;
  code: string | null;
  is_central: Generated<boolean>;
  central_school_id: string | null;
  grade_level: number | null;
  class_no: number | null;
  entry_year: number | null;
  address: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
  archived_at: NullableTimestamp;
};

export type UsersTable = {
  id: string;
  username: string;
  display_name: string;
  gender: string | null;
  password_hash: string;
  password_changed_at: Timestamp;
  must_change_password: Generated<boolean>;
  is_active: Generated<boolean>;
  failed_logins: Generated<number>;
  locked_until: NullableTimestamp;
  last_login_at: NullableTimestamp;
  id_card_enc: string | null;
  id_card_bidx: string | null;
  phone_enc: string | null;
  phone_bidx: string | null;
  home_org_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type RoleGrantsTable = {
  id: string;
  user_id: string;
  role: string;
  scope_id: string | null;
  scope_path: string | null;
  subject: string | null;
  granted_by: string | null;
  created_at: Timestamp;
};

export type TeachersTable = { user_id: string; school_id: string; staff_no: string; subjects: string[] };
export type StudentsTable = {
  user_id: string;
  school_id: string;
  class_id: string | null;
  student_no: string;
  birth_date: ColumnType<string | null, string | null | undefined, string | null>;
  status: Generated<string>;
};
export type StudentClassHistoryTable = {
  id: string;
  student_id: string;
  class_id: string;
  started_at: Timestamp;
  ended_at: NullableTimestamp;
  reason: Generated<string>;
};
export type GuardianshipsTable = {
  parent_id: string;
  student_id: string;
  relation: string;
  is_primary: Generated<boolean>;
  created_at: Timestamp;
};
export type SessionsTable = {
  id: string;
  user_id: string;
  active_role: string | null;
  ip: string | null;
  user_agent: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  revoked_at: NullableTimestamp;
};
export type SettingsTable = { key: string; value: unknown; updated_at: Timestamp };
export type AuditLogTable = {
  seq: ColumnType<number, number, never>;
  id: string;
  at: Timestamp;
  actor_id: string | null;
  actor_name: string | null;
  actor_role: string | null;
  scope_id: string | null;
  ip: string | null;
  action: string;
  outcome: string;
  target_type: string | null;
  target_id: string | null;
  summary: ColumnType<Record<string, unknown>, string, string>;
  prev_hash: string;
  hash: string;
};
export type AuditChainTable = {
  id: Generated<number>;
  head_seq: number;
  head_hash: string;
  anchor_seq: number;
  anchor_hash: string;
  purged_through: NullableTimestamp;
};
export type ImportJobsTable = {
  id: string;
  school_id: string;
  kind: string;
  status: string;
  file_name: string;
  file_hash: string;
  total_rows: Generated<number>;
  valid_rows: Generated<number>;
  processed_rows: Generated<number>;
  created_rows: Generated<number>;
  updated_rows: Generated<number>;
  errors: ColumnType<unknown[], string | undefined, string>;
  failure_message: string | null;
  created_by: string;
  created_at: Timestamp;
  finished_at: NullableTimestamp;
  updated_at: Generated<Date>;
};

export type ImportJobChunksTable = { job_id: string; seq: number; row_count: number; new_accounts: Generated<number>; data: string };

type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;

export type HwAssignmentsTable = {
  id: string;
  kind: string;
  title: string;
  owner_unit_id: string;
  owner_path: string;
  subject: string | null;
  paper_id: string | null;
  bank_id: string | null;
  draw_count: number | null;
  draw_filters: NullableJson<unknown>;
  paper: Json<unknown>;
  max_score: number;
  opens_at: Timestamp;
  closes_at: Timestamp;
  time_limit_minutes: number | null;
  max_attempts: Generated<number>;
  shuffle_items: Generated<boolean>;
  shuffle_options: Generated<boolean>;
  show_answers: string;
  pass_score: number | null;
  instructions: Generated<string>;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  archived_at: NullableTimestamp;
};
export type HwAssignmentClassesTable = {
  assignment_id: string;
  class_id: string;
  class_path: string;
  whole_class: boolean;
  group_name: string | null;
};
export type HwRecipientsTable = { assignment_id: string; user_id: string; class_id: string | null; school_id: string | null };
export type HwGroupsTable = {
  id: string;
  class_id: string;
  name: string;
  student_ids: string[];
  created_by: string;
  created_at: Timestamp;
};
export type HwAttemptsTable = {
  id: string;
  assignment_id: string;
  user_id: string;
  attempt_no: number;
  status: string;
  seed: number;
  item_order: Json<string[]>;
  drawn_items: NullableJson<unknown>;
  started_at: Timestamp;
  deadline_at: Timestamp;
  submitted_at: NullableTimestamp;
  graded_at: NullableTimestamp;
  submit_key: string | null;
  auto_score: number | null;
  score: number | null;
  max_score: number;
  pending_manual: Generated<number>;
  revision: Generated<number>;
};
export type HwResponsesTable = {
  attempt_id: string;
  item_key: string;
  item_id: string;
  response: NullableJson<unknown>;
  saved_at: Timestamp;
  score: number | null;
  max_score: number;
  is_correct: boolean | null;
  needs_manual: Generated<boolean>;
  detail: NullableJson<unknown>;
  comment: string | null;
  rubric_scores: NullableJson<unknown>;
  graded_by: string | null;
  graded_at: NullableTimestamp;
};
export type HwMasteryTable = {
  user_id: string;
  knowledge_point_id: string;
  p_mastery: number;
  observations: Generated<number>;
  correct: Generated<number>;
  updated_at: Timestamp;
};
export type HwWrongItemsTable = {
  user_id: string;
  item_id: string;
  item: Json<unknown>;
  knowledge_point_ids: ColumnType<string[], string[] | undefined, string[]>;
  subject: string | null;
  last_response: NullableJson<unknown>;
  assignment_id: string | null;
  wrong_count: Generated<number>;
  practice_correct: Generated<number>;
  first_wrong_at: Timestamp;
  last_wrong_at: Timestamp;
  mastered_at: NullableTimestamp;
};
export type HwPracticeSetsTable = {
  id: string;
  user_id: string;
  source: string;
  items: Json<unknown>;
  answered: Generated<number>;
  correct: Generated<number>;
  created_at: Timestamp;
};
export type LrsStatementsTable = {
  id: string;
  actor_id: string;
  verb: string;
  object_id: string;
  registration: string | null;
  class_id: string | null;
  score_scaled: number | null;
  success: boolean | null;
  timestamp: Timestamp;
  stored: Timestamp;
  statement: Json<unknown>;
};
export type RateLimitCountersTable = { bucket: string; key: string; window_start: Timestamp; hits: number; expires_at: Timestamp };

export type SearchDocumentsTable = {
  kind: string;
  ref_id: string;
  title: string;
  body: Generated<string>;
  keywords: Generated<string[]>;
  knowledge_points: Generated<string[]>;
  subject: string | null;
  grade: number | null;
  term: string | null;
  edition: string | null;
  unit_id: string | null;
  unit_name: string | null;
  type: string | null;
  level: string | null;
  school_id: string | null;
  school_name: string | null;
  district_id: string | null;
  author: string | null;
  visibility: string;
  visible_path: string | null;
  popularity: Generated<number>;
  published_at: Timestamp;
  indexed_at: Generated<Date>;
  tsv: string;
};

export type UserMfaTable = {
  user_id: string;
  secret_enc: string;
  enabled_at: NullableTimestamp;
  last_used_step: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};
export type MfaRecoveryCodesTable = { user_id: string; code_hash: string; used_at: NullableTimestamp; created_at: Timestamp };
export type LoginChallengesTable = {
  id: string;
  user_id: string;
  first_factor: string;
  ip: string | null;
  user_agent: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
};

// items (题库, 组卷)
export type KnowledgePointsTable = {
  id: string;
  subject: string;
  grade: number | null;
  code: string;
  name: string;
  parent_id: string | null;
  path: string;
  strand: string;
  sort_order: Generated<number>;
};
export type ItemBanksTable = {
  id: string;
  name: string;
  description: Generated<string>;
  subject: string | null;
  owner_unit_id: string;
  owner_path: string;
  share_scope: string;
  visible_path: string;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  archived_at: NullableTimestamp;
};
export type ItemsTable = {
  id: string;
  bank_id: string;
  type: string;
  subject: string;
  grade: number;
  difficulty: number;
  score: number;
  knowledge_point_ids: ColumnType<string[], string[] | undefined, string[]>;
  stem_text: string;
  current_version: number;
  current_version_id: string;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  archived_at: NullableTimestamp;
};
export type ItemVersionsTable = {
  id: string;
  item_id: string;
  version: number;
  content: ColumnType<unknown, string, never>;
  created_by: string | null;
  created_at: Timestamp;
};
export type PapersTable = {
  id: string;
  title: string;
  subject: string;
  grade: number;
  owner_unit_id: string;
  owner_path: string;
  duration_minutes: Generated<number>;
  total_score: Generated<number>;
  item_count: Generated<number>;
  revision: Generated<number>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  archived_at: NullableTimestamp;
};
export type PaperSectionsTable = { id: string; paper_id: string; position: number; title: string; instructions: Generated<string> };
export type PaperItemsTable = {
  section_id: string;
  paper_id: string;
  position: number;
  item_id: string;
  item_version_id: string;
  score: number;
};

export type DB = {
  org_units: OrgUnitsTable;
  users: UsersTable;
  role_grants: RoleGrantsTable;
  teachers: TeachersTable;
  students: StudentsTable;
  student_class_history: StudentClassHistoryTable;
  guardianships: GuardianshipsTable;
  sessions: SessionsTable;
  settings: SettingsTable;
  audit_log: AuditLogTable;
  audit_chain: AuditChainTable;
  import_jobs: ImportJobsTable;
  import_job_chunks: ImportJobChunksTable;
  hw_assignments: HwAssignmentsTable;
  hw_assignment_classes: HwAssignmentClassesTable;
  hw_recipients: HwRecipientsTable;
  hw_groups: HwGroupsTable;
  hw_attempts: HwAttemptsTable;
  hw_responses: HwResponsesTable;
  hw_mastery: HwMasteryTable;
  hw_wrong_items: HwWrongItemsTable;
  hw_practice_sets: HwPracticeSetsTable;
  lrs_statements: LrsStatementsTable;
  rate_limit_counters: RateLimitCountersTable;
  search_documents: SearchDocumentsTable;
  user_mfa: UserMfaTable;
  mfa_recovery_codes: MfaRecoveryCodesTable;
  login_challenges: LoginChallengesTable;
  knowledge_points: KnowledgePointsTable;
  item_banks: ItemBanksTable;
  items: ItemsTable;
  item_versions: ItemVersionsTable;
  papers: PapersTable;
  paper_sections: PaperSectionsTable;
  paper_items: PaperItemsTable;
};

export type OrgUnitRow = Selectable<OrgUnitsTable>;
export type UserRow = Selectable<UsersTable>;
