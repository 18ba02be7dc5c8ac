import type { TRosterKind } from '@qiming/shared';
import type { RosterValidator, ValidationContext } from './roster-checks.ts';
import { parentValidator } from './roster-validate-parents.ts';
import { studentValidator } from './roster-validate-students.ts';
import { teacherValidator } from './roster-validate-teachers.ts';

export { classIndex } from './roster-checks.ts';
export type {
  GuardianRecord,
  ParentRecord,
  Report,
  RosterRecord,
  RosterValidator,
  StudentRecord,
  TeacherRecord,
  ValidationContext,
} from './roster-checks.ts';

export function createValidator(kind: TRosterKind, c: ValidationContext): RosterValidator {
  switch (kind) {
    case 'students':
      return studentValidator(c);
    case 'teachers':
      return teacherValidator(c);
    case 'parents':
      return parentValidator(c);
  }
}
