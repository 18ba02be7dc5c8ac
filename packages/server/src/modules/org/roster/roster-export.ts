import { PassThrough } from 'node:stream';
import {
  GENDER_NAMES,
  GRADE_NAMES,
  GUARDIAN_RELATION_NAMES,
  maskIdCard,
  maskPhone,
  ROSTER_KIND_NAMES,
  type Gender,
  type GradeLevel,
  type GuardianRelation,
  type TRosterKind,
} from '@qiming/shared';
import ExcelJS from 'exceljs';
import { hasPermission } from '../../../core/access/access.ts';
import { recordAudit } from '../../../core/audit/audit.ts';
import type { AuthedContext } from '../../../core/context.ts';
import { withTransaction } from '../../../core/db/database.ts';
import { revealOrMask } from '../org.presenter.ts';
import { getRosterSchool } from './roster-import.ts';
import { addHelpSheet, addRosterSheet, type XlsxFile } from './roster-template.ts';
import * as repo from './roster.repository.ts';

const genderName = (g: string | null) => (g ? (GENDER_NAMES[g as Gender] ?? '') : '');
const relationName = (r: string | null) => (r ? (GUARDIAN_RELATION_NAMES[r as GuardianRelation] ?? '') : '');
const today = () => new Date().toISOString().slice(0, 10).replaceAll('-', '');

/**
 * Exports a school's roster with the import template's columns, so the file imports again
 * unchanged. 身份证号 and phone numbers are in full only for roles with pii.read, masked
 * otherwise (a masked value imports as "keep what is on record"). Written as a stream, page by page.
 */
export async function exportRoster(ctx: AuthedContext, schoolId: string, kind: TRosterKind): Promise<XlsxFile> {
  const school = await getRosterSchool(ctx.db, schoolId);
  const pii = hasPermission(ctx.actor, 'pii.read');
  const idCard = (enc: string | null) => revealOrMask(ctx.cipher, enc, pii, maskIdCard) ?? '';
  const phone = (enc: string | null) => revealOrMask(ctx.cipher, enc, pii, maskPhone) ?? '';

  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (b: Buffer) => parts.push(b));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = '启明智慧教育平台';
  const ws = addRosterSheet(wb, kind, { withLists: false });
  ws.getRow(1).commit();
  let count = 0;
  const add = (values: unknown[]) => {
    ws.addRow(values).commit();
    count++;
  };
  if (kind === 'students') {
    for await (const page of repo.exportStudentRows(ctx.db, school.id)) {
      for (const r of page) {
        add([
          r.student_no,
          r.display_name,
          genderName(r.gender),
          idCard(r.id_card_enc),
          r.grade_level ? GRADE_NAMES[r.grade_level as GradeLevel] : '',
          r.class_no ?? '',
          r.guardian_name ?? '',
          phone(r.guardian_phone_enc ?? null),
          relationName(r.relation ?? null),
        ]);
      }
    }
  } else if (kind === 'teachers') {
    for await (const page of repo.exportTeacherRows(ctx.db, school.id)) {
      for (const r of page)
        add([r.staff_no, r.display_name, genderName(r.gender), phone(r.phone_enc), r.subjects.join('、'), idCard(r.id_card_enc)]);
    }
  } else {
    for await (const page of repo.exportParentRows(ctx.db, school.id)) {
      for (const r of page) add([r.student_no, r.display_name, phone(r.phone_enc), relationName(r.relation), r.is_primary ? '是' : '否']);
    }
  }
  await ws.commit();
  addHelpSheet(wb, kind);
  await wb.commit();
  await withTransaction(ctx.db, (tx) =>
    recordAudit(tx, ctx, {
      action: 'roster.export',
      targetType: 'org_unit',
      targetId: school.id,
      scopeId: school.id,
      summary: { kind, rows: count, masked: !pii },
    }),
  );
  return { fileName: `${school.name}-${ROSTER_KIND_NAMES[kind]}名单-${today()}.xlsx`, buffer: Buffer.concat(parts) };
}
