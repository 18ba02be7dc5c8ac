import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { FieldCipher } from '../../core/crypto/crypto.ts';
import type { DbOrTx } from '../../core/db/database.ts';

export type NewUser = {
  id?: string;
  username: string;
  displayName: string;
  gender: string | null;
  passwordHash: string;
  mustChangePassword?: boolean;
  idCard?: string | null;
  phone?: string | null;
  homeOrgId: string | null;
};

/** Personal identifiers are stored encrypted, with a keyed blind index for exact lookup. */
export function userValues(cipher: FieldCipher, u: NewUser) {
  return {
    id: u.id ?? randomUUID(),
    username: u.username,
    display_name: u.displayName,
    gender: u.gender,
    password_hash: u.passwordHash,
    must_change_password: u.mustChangePassword ?? true,
    id_card_enc: u.idCard ? cipher.encrypt(u.idCard) : null,
    id_card_bidx: u.idCard ? cipher.blindIndex(u.idCard) : null,
    phone_enc: u.phone ? cipher.encrypt(u.phone) : null,
    phone_bidx: u.phone ? cipher.blindIndex(u.phone) : null,
    home_org_id: u.homeOrgId,
    password_changed_at: new Date(),
    created_at: new Date(),
    updated_at: new Date(),
  };
}

export const insertUser = (db: DbOrTx, cipher: FieldCipher, u: NewUser) =>
  db.insertInto('users').values(userValues(cipher, u)).returning(['id', 'username']).executeTakeFirstOrThrow();

export const findUserIdByIdCard = (db: DbOrTx, cipher: FieldCipher, idCard: string) =>
  db.selectFrom('users').select(['id', 'display_name']).where('id_card_bidx', '=', cipher.blindIndex(idCard)).executeTakeFirst();

export const findUsersByPhone = (db: DbOrTx, cipher: FieldCipher, phone: string) =>
  db.selectFrom('users').select(['id', 'display_name', 'username']).where('phone_bidx', '=', cipher.blindIndex(phone)).execute();

export async function usernameTaken(db: DbOrTx, username: string): Promise<boolean> {
  const r = await db
    .selectFrom('users')
    .select('id')
    .where(sql`lower(username)`, '=', username.toLowerCase())
    .executeTakeFirst();
  return !!r;
}

/** A free username: the preferred one, else with the school code, else with a counter. */
export async function freeUsername(db: DbOrTx, preferred: string, qualifier: string): Promise<string> {
  if (!(await usernameTaken(db, preferred))) return preferred;
  const qualified = `${preferred}_${qualifier}`;
  if (!(await usernameTaken(db, qualified))) return qualified;
  for (let i = 2; ; i++) if (!(await usernameTaken(db, `${qualified}_${i}`))) return `${qualified}_${i}`;
}

export async function insertGrant(
  db: DbOrTx,
  g: { userId: string; role: string; scopeId: string | null; scopePath: string | null; subject?: string | null; grantedBy?: string | null },
) {
  return db
    .insertInto('role_grants')
    .values({
      id: randomUUID(),
      user_id: g.userId,
      role: g.role,
      scope_id: g.scopeId,
      scope_path: g.scopePath,
      subject: g.subject ?? null,
      granted_by: g.grantedBy ?? null,
      created_at: new Date(),
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
}

export function studentSelect(db: DbOrTx) {
  return db
    .selectFrom('students as st')
    .innerJoin('users as u', 'u.id', 'st.user_id')
    .leftJoin('org_units as c', 'c.id', 'st.class_id')
    .select([
      'u.id',
      'u.display_name',
      'u.gender',
      'u.username',
      'u.id_card_enc',
      'st.student_no',
      'st.birth_date',
      'st.status',
      'st.school_id',
      'st.class_id',
      'c.name as class_name',
      'c.grade_level',
      'c.class_no',
    ]);
}
export type StudentRow = Awaited<ReturnType<ReturnType<typeof studentSelect>['executeTakeFirstOrThrow']>>;

export function teacherSelect(db: DbOrTx) {
  return db
    .selectFrom('teachers as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['u.id', 'u.display_name', 'u.gender', 'u.username', 'u.phone_enc', 't.staff_no', 't.subjects', 't.school_id']);
}
/** The teacher's row, locked until the transaction ends, so two corrections of one teacher run one after the other. */
export const lockTeacher = (db: DbOrTx, userId: string) =>
  db.selectFrom('teachers').select(['user_id', 'school_id', 'staff_no']).where('user_id', '=', userId).forUpdate().executeTakeFirst();
export type TeacherRow = Awaited<ReturnType<ReturnType<typeof teacherSelect>['executeTakeFirstOrThrow']>>;

export const listGuardians = (db: DbOrTx, studentId: string) =>
  db
    .selectFrom('guardianships as g')
    .innerJoin('users as u', 'u.id', 'g.parent_id')
    .select(['u.id', 'u.display_name', 'u.phone_enc', 'g.relation', 'g.is_primary'])
    .where('g.student_id', '=', studentId)
    .orderBy('g.is_primary', 'desc')
    .orderBy('g.created_at')
    .execute();

export const listClassHistory = (db: DbOrTx, studentId: string) =>
  db
    .selectFrom('student_class_history as h')
    .innerJoin('org_units as c', 'c.id', 'h.class_id')
    .select(['h.class_id', 'c.name as class_name', 'h.started_at', 'h.ended_at', 'h.reason'])
    .where('h.student_id', '=', studentId)
    .orderBy('h.started_at')
    .execute();

export async function startClassHistory(db: DbOrTx, studentId: string, classId: string, reason: string) {
  await db
    .updateTable('student_class_history')
    .set({ ended_at: new Date() })
    .where('student_id', '=', studentId)
    .where('ended_at', 'is', null)
    .execute();
  await db
    .insertInto('student_class_history')
    .values({ id: randomUUID(), student_id: studentId, class_id: classId, started_at: new Date(), reason })
    .execute();
}
