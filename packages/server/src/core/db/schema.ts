import type { ColumnType, Generated, GeneratedAlways, Selectable } from 'kysely';

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
/** xAPI statements recorded together (one actor, registration and moment): migration lrs-records. */
export type LrsRecordsTable = {
  id: string;
  actor_id: string;
  registration: string | null;
  class_id: string | null;
  timestamp: Timestamp;
  stored: Generated<Timestamp>;
  /** What the statements share (version, actor, context, timestamp), a JSON object as text; null: each statement is whole. */
  shared: string | null;
  /** A JSON array of the xAPI statements (their own members where `shared` is set), as text (migration lrs-records-compact). */
  statements: string;
};
/** A view: one row per statement of lrs_records. */
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
  /** The document's words for the in-process index: "word,code" pairs (inverted-index.ts). */
  terms: Generated<string>;
  doc_length: Generated<number>;
};

export type SearchChangesTable = {
  seq: Generated<number>;
  op: 'u' | 'd' | 'p' | '*';
  kind: string | null;
  ref_id: string | null;
  changed_at: Generated<Date>;
};

// resources
type TextArray = ColumnType<string[], string[] | undefined, string[]>;
/** A jsonb column with a database default: optional on insert. */
type DefaultedJson<T> = ColumnType<T, string | undefined, string>;
export type CurriculumUnitsTable = {
  id: string;
  edition: string;
  subject: string;
  grade_level: number;
  term: string;
  parent_id: string | null;
  kind: string;
  seq: number;
  title: string;
  created_at: Timestamp;
};
export type StoredFilesTable = {
  hash: string;
  size: number;
  mime: string;
  storage_key: string;
  text_content: Generated<string>;
  created_at: Timestamp;
};
export type ResourceUploadsTable = {
  id: string;
  owner_id: string;
  file_name: string;
  mime: string;
  size: number;
  received: Generated<number>;
  status: Generated<string>;
  file_hash: string | null;
  deduplicated: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
};
export type ResourcesTable = {
  id: string;
  type: string;
  title: string;
  description: Generated<string>;
  subject: string;
  grade_level: number;
  term: string;
  edition: string;
  unit_id: string | null;
  knowledge_points: TextArray;
  keywords: TextArray;
  author_name: string;
  licence: string;
  level: string;
  marks: TextArray;
  owner_id: string;
  school_id: string;
  school_path: string;
  audience: string;
  visible_path: string | null;
  visibility: GeneratedAlways<string>;
  status: Generated<string>;
  review_levels: TextArray;
  review_index: Generated<number>;
  return_reason: string | null;
  file_hash: string | null;
  file_name: string | null;
  simhash: ColumnType<string | null, string | bigint | null | undefined, string | bigint | null>;
  download_count: Generated<number>;
  view_count: Generated<number>;
  favourite_count: Generated<number>;
  rating_sum: Generated<number>;
  rating_count: Generated<number>;
  comment_count: Generated<number>;
  submitted_at: NullableTimestamp;
  published_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: NullableTimestamp;
};
export type ResourceScreeningsTable = {
  id: string;
  resource_id: string;
  safety_hits: DefaultedJson<unknown[]>;
  duplicates: DefaultedJson<unknown[]>;
  is_flagged: boolean;
  text_length: Generated<number>;
  created_at: Timestamp;
};
export type ResourceReviewStepsTable = {
  id: string;
  resource_id: string;
  action: string;
  level: string | null;
  actor_id: string | null;
  comment: Generated<string>;
  created_at: Timestamp;
};
export type SensitiveWordsTable = {
  id: string;
  word: string;
  category: string;
  source: string;
  is_enabled: Generated<boolean>;
  created_by: string | null;
  created_at: Timestamp;
};
export type ResourceFavouritesTable = { user_id: string; resource_id: string; created_at: Timestamp };
export type ResourceRatingsTable = { user_id: string; resource_id: string; stars: number; updated_at: Timestamp };
export type ResourceCommentsTable = {
  id: string;
  resource_id: string;
  user_id: string;
  body: string;
  status: string;
  hits: DefaultedJson<unknown[]>;
  created_at: Timestamp;
  deleted_at: NullableTimestamp;
};
export type ResourceCollectionsTable = {
  id: string;
  kind: string;
  title: string;
  description: Generated<string>;
  subject: string | null;
  grade_level: number | null;
  community: Generated<string>;
  owner_id: string;
  school_id: string;
  audience: string;
  visible_path: string | null;
  visibility: GeneratedAlways<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
};
export type ResourceCollectionItemsTable = { collection_id: string; resource_id: string; seq: number; note: Generated<string> };
export type ResourceEventsTable = {
  id: Generated<number>;
  resource_id: string;
  kind: string;
  user_id: string | null;
  viewer_school_path: string | null;
  at: Timestamp;
};
export type ResourcePushQueueTable = {
  id: string;
  resource_id: string;
  status: string;
  requested_by: string;
  requested_at: Timestamp;
  attempts: Generated<number>;
  last_error: string | null;
  updated_at: Timestamp;
};
export type NotificationsTable = {
  id: string;
  user_id: string;
  kind: string;
  title: string;
  body: Generated<string>;
  link: string | null;
  read_at: NullableTimestamp;
  created_at: Timestamp;
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
  /** The upstream session of an upstream sign-in waiting for its second factor. */
  upstream: NullableJson<UpstreamSessionRef>;
};
/** Which upstream sign-in opened a session: the provider (issuer), the upstream account (sub) and its session (sid). */
export type UpstreamSessionRef = { provider: string; subject: string; sid: string | null };

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

export type OidcPayloadsTable = {
  model: string;
  id: string;
  payload: ColumnType<Record<string, unknown>, string, string>;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  account_id: string | null;
  expires_at: NullableTimestamp;
  consumed_at: NullableTimestamp;
  qiming_session_id: string | null;
};
export type OidcKeysTable = {
  kid: string;
  alg: string;
  jwk_enc: string;
  created_at: Timestamp;
  retired_at: NullableTimestamp;
  expires_at: NullableTimestamp;
};
export type AppsTable = {
  id: string;
  name: string;
  description: Generated<string>;
  category: string;
  logo: Buffer | null;
  logo_type: string | null;
  home_url: string;
  protocol: 'oidc' | 'cas';
  owner_scope_id: string;
  owner_scope_path: string;
  client_id: string | null;
  client_secret_enc: string | null;
  oidc_metadata: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  cas_service_pattern: string | null;
  is_trusted: Generated<boolean>;
  status: Generated<'active' | 'disabled'>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};
export type CasTicketsTable = {
  id: string;
  service: string;
  app_id: string;
  user_id: string;
  session_id: string;
  is_new_login: boolean;
  authenticated_at: Timestamp;
  created_at: Timestamp;
  expires_at: Timestamp;
  consumed_at: NullableTimestamp;
  validated_at: NullableTimestamp;
};
export type UpstreamLinksTable = {
  id: string;
  provider: string;
  subject: string;
  user_id: string;
  linked_by: 'claim' | 'provisioned';
  claim_value: string | null;
  created_at: Timestamp;
  last_login_at: NullableTimestamp;
};
export type UpstreamSessionsTable = { session_id: string; provider: string; subject: string; sid: string | null; created_at: Timestamp };
export type AppEnablementsTable = {
  app_id: string;
  scope_id: string;
  scope_path: string;
  enabled_by: string | null;
  created_at: Timestamp;
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
  lrs_records: LrsRecordsTable;
  lrs_statements: LrsStatementsTable;
  rate_limit_counters: RateLimitCountersTable;
  search_documents: SearchDocumentsTable;
  search_changes: SearchChangesTable;
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
  oidc_payloads: OidcPayloadsTable;
  oidc_keys: OidcKeysTable;
  apps: AppsTable;
  app_enablements: AppEnablementsTable;
  cas_tickets: CasTicketsTable;
  upstream_links: UpstreamLinksTable;
  upstream_sessions: UpstreamSessionsTable;
  curriculum_units: CurriculumUnitsTable;
  stored_files: StoredFilesTable;
  resource_uploads: ResourceUploadsTable;
  resources: ResourcesTable;
  resource_screenings: ResourceScreeningsTable;
  resource_review_steps: ResourceReviewStepsTable;
  sensitive_words: SensitiveWordsTable;
  resource_favourites: ResourceFavouritesTable;
  resource_ratings: ResourceRatingsTable;
  resource_comments: ResourceCommentsTable;
  resource_collections: ResourceCollectionsTable;
  resource_collection_items: ResourceCollectionItemsTable;
  resource_events: ResourceEventsTable;
  resource_push_queue: ResourcePushQueueTable;
  notifications: NotificationsTable;
};
export type ResourceRow = Selectable<ResourcesTable>;

export type OrgUnitRow = Selectable<OrgUnitsTable>;
export type UserRow = Selectable<UsersTable>;
