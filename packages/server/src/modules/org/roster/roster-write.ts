import { randomUUID } from 'node:crypto';
import type { TRosterKind } from '@qiming/shared';
import type { Tx } from '../../../core/db/database.ts';
import { AppError } from '../../../core/errors.ts';
import { userValues } from '../people.repository.ts';
import { allocateUsernames, linkGuardians, type WriteContext, type WriteResult } from './roster-accounts.ts';
import type { ParentRecord, RosterRecord, StudentRecord, TeacherRecord } from './roster-validate.ts';
import * as repo from './roster.repository.ts';

const changedSince = (why: string) => new AppError('CONFLICT', { message: `${why}（名单校验之后数据被修改），请重新上传文件` });

/**
 * Writes one batch of pupils: new ones get an account, a student record, the student grant on
 * their class and a class-history entry; pupils whose 学号 exists are updated (and moved, with
 * history, when their class changed); guardians are linked.
 */
async function writeStudents(tx: Tx, w: WriteContext, rows: StudentRecord[]): Promise<WriteResult> {
  const existing = new Map(
    (
      await repo.findStudentsByNo(
        tx,
        w.schoolId,
        rows.map((r) => r.studentNo),
      )
    ).map((e) => [e.student_no, e]),
  );
  const classOf = (r: StudentRecord) => {
    const c = w.classes.get(r.classId);
    if (!c) throw changedSince(`第 ${r.row} 行的班级已不存在`);
    return c;
  };
  const idOf = new Map<string, string>();

  const fresh = rows.filter((r) => !existing.has(r.studentNo));
  if (fresh.length) {
    const usernames = await allocateUsernames(
      tx,
      fresh.map((r) => `s${r.studentNo}`),
      w.schoolCode,
    );
    const users = fresh.map((r, i) => {
      if (!r.idCard || !r.gender) throw changedSince(`第 ${r.row} 行缺少身份证号`);
      return userValues(w.ctx.cipher, {
        username: usernames[i],
        displayName: r.name,
        gender: r.gender,
        idCard: r.idCard,
        homeOrgId: classOf(r).id,
        passwordHash: w.passwordHash,
        mustChangePassword: true,
      });
    });
    await repo.insertMany(tx, 'users', users);
    fresh.forEach((r, i) => idOf.set(r.studentNo, users[i].id));
    await repo.insertMany(
      tx,
      'students',
      fresh.map((r, i) => ({
        user_id: users[i].id,
        school_id: w.schoolId,
        class_id: r.classId,
        student_no: r.studentNo,
        birth_date: r.birthDate,
      })),
    );
    await repo.insertMany(
      tx,
      'role_grants',
      fresh.map((r, i) => ({
        id: randomUUID(),
        user_id: users[i].id,
        role: 'student',
        scope_id: r.classId,
        scope_path: classOf(r).path,
        subject: null,
        granted_by: w.ctx.actor.userId,
        created_at: new Date(),
      })),
    );
    await repo.insertMany(
      tx,
      'student_class_history',
      fresh.map((r, i) => ({ id: randomUUID(), student_id: users[i].id, class_id: r.classId, started_at: new Date(), reason: '入学' })),
    );
  }

  const userUpdates: repo.UserUpdate[] = [];
  const moves: Parameters<typeof repo.moveStudents>[1] = [];
  const birthDates: { userId: string; birthDate: string }[] = [];
  for (const r of rows) {
    const e = existing.get(r.studentNo);
    if (!e) continue;
    idOf.set(r.studentNo, e.user_id);
    const newIdCard = r.idCardBidx && r.idCardBidx !== e.id_card_bidx ? r.idCard : null;
    const isMoved = e.class_id !== r.classId;
    if (r.name !== e.display_name || (r.gender && r.gender !== e.gender) || newIdCard || isMoved) {
      userUpdates.push({
        id: e.user_id,
        displayName: r.name,
        gender: r.gender ?? e.gender,
        idCardEnc: newIdCard ? w.ctx.cipher.encrypt(newIdCard) : null,
        idCardBidx: newIdCard ? r.idCardBidx : null,
        phoneEnc: null,
        phoneBidx: null,
        homeOrgId: isMoved ? r.classId : null,
      });
    }
    if (isMoved) moves.push({ userId: e.user_id, classId: r.classId, classPath: classOf(r).path });
    if (newIdCard && r.birthDate) birthDates.push({ userId: e.user_id, birthDate: r.birthDate });
  }
  await repo.updateUsers(tx, userUpdates);
  await repo.moveStudents(tx, moves, '名单导入调班');
  await repo.setBirthDates(tx, birthDates);

  const guardians = await linkGuardians(
    tx,
    w,
    rows.filter((r) => r.guardian).map((r) => ({ studentId: idOf.get(r.studentNo)!, ...r.guardian!, isPrimary: null })),
  );
  return { created: fresh.length, updated: rows.length - fresh.length, accounts: fresh.length + guardians.accounts };
}

/** Writes one batch of teachers: new accounts with the school-level teacher grant, or updates by 工号. */
async function writeTeachers(tx: Tx, w: WriteContext, rows: TeacherRecord[]): Promise<WriteResult> {
  const existing = new Map(
    (
      await repo.findTeachersByStaffNo(
        tx,
        w.schoolId,
        rows.map((r) => r.staffNo),
      )
    ).map((e) => [e.staff_no, e]),
  );
  const fresh = rows.filter((r) => !existing.has(r.staffNo));
  if (fresh.length) {
    const usernames = await allocateUsernames(
      tx,
      fresh.map((r) => `t${r.staffNo}`),
      w.schoolCode,
    );
    const users = fresh.map((r, i) =>
      userValues(w.ctx.cipher, {
        username: usernames[i],
        displayName: r.name,
        gender: r.gender,
        phone: r.phone,
        idCard: r.idCard,
        homeOrgId: w.schoolId,
        passwordHash: w.passwordHash,
        mustChangePassword: true,
      }),
    );
    await repo.insertMany(tx, 'users', users);
    await repo.insertTeachers(
      tx,
      fresh.map((r, i) => ({ user_id: users[i].id, school_id: w.schoolId, staff_no: r.staffNo, subjects: r.subjects })),
    );
    // the school-level teacher grant makes them a teacher before any class is assigned; it reaches no subtree
    await repo.insertMany(
      tx,
      'role_grants',
      users.map((u) => ({
        id: randomUUID(),
        user_id: u.id,
        role: 'teacher',
        scope_id: w.schoolId,
        scope_path: null,
        subject: null,
        granted_by: w.ctx.actor.userId,
        created_at: new Date(),
      })),
    );
  }
  const userUpdates: repo.UserUpdate[] = [];
  const subjectUpdates: { userId: string; subjects: string[] }[] = [];
  for (const r of rows) {
    const e = existing.get(r.staffNo);
    if (!e) continue;
    const newIdCard = r.idCardBidx && r.idCardBidx !== e.id_card_bidx ? r.idCard : null;
    const newPhone = r.phoneBidx !== e.phone_bidx ? r.phone : null;
    if (r.name !== e.display_name || (r.gender && r.gender !== e.gender) || newIdCard || newPhone) {
      userUpdates.push({
        id: e.user_id,
        displayName: r.name,
        gender: r.gender ?? e.gender,
        idCardEnc: newIdCard ? w.ctx.cipher.encrypt(newIdCard) : null,
        idCardBidx: newIdCard ? r.idCardBidx : null,
        phoneEnc: newPhone ? w.ctx.cipher.encrypt(newPhone) : null,
        phoneBidx: newPhone ? r.phoneBidx : null,
        homeOrgId: null,
      });
    }
    if (r.subjects.join('、') !== e.subjects.join('、')) subjectUpdates.push({ userId: e.user_id, subjects: r.subjects });
  }
  await repo.updateUsers(tx, userUpdates);
  await repo.setTeacherSubjects(tx, subjectUpdates);
  return { created: fresh.length, updated: rows.length - fresh.length, accounts: fresh.length };
}

/** Writes one batch of guardianships: created and updated count links, not accounts. */
async function writeParents(tx: Tx, w: WriteContext, rows: ParentRecord[]): Promise<WriteResult> {
  const students = new Map(
    (
      await repo.findStudentsByNo(
        tx,
        w.schoolId,
        rows.map((r) => r.studentNo),
      )
    ).map((s) => [s.student_no, s.user_id]),
  );
  const links = rows.map((r) => {
    const studentId = students.get(r.studentNo);
    if (!studentId) throw changedSince(`第 ${r.row} 行的学生（学号 ${r.studentNo}）已不在本校`);
    return { studentId, name: r.name, phone: r.phone, phoneBidx: r.phoneBidx, relation: r.relation, isPrimary: r.isPrimary };
  });
  return linkGuardians(tx, w, links);
}

export function writeBatch(kind: TRosterKind, tx: Tx, w: WriteContext, rows: RosterRecord[]): Promise<WriteResult> {
  switch (kind) {
    case 'students':
      return writeStudents(tx, w, rows as StudentRecord[]);
    case 'teachers':
      return writeTeachers(tx, w, rows as TeacherRecord[]);
    case 'parents':
      return writeParents(tx, w, rows as ParentRecord[]);
  }
}
