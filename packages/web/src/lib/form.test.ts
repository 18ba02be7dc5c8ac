import { ZCreateClassRequest } from '@qiming/shared';
import type { FormInstance } from 'antd';
import { describe, expect, it } from 'vitest';
import { AppError } from './api.ts';
import { applyServerErrors, issuesToFields, parseForm } from './form.ts';

function fakeForm(fieldNames: string[]) {
  const set: { name: (string | number)[]; errors: string[] }[] = [];
  const form = {
    setFields: (fields: typeof set) => set.push(...fields),
    getFieldsError: () => fieldNames.map((name) => ({ name: [name], errors: [], warnings: [] })),
  } as unknown as FormInstance;
  return { form, set };
}

describe('issuesToFields', () => {
  it('drops where the server read the value from and groups messages by field', () => {
    expect(
      issuesToFields([
        { path: ['body', 'classNo'], message: '班号至少为 1' },
        { path: ['body', 'classNo'], message: '班号至少为 1' },
        { path: ['body', 'subjects', 0], message: '学科不在列表中' },
        { path: ['querystring'], message: '整体错误' },
      ]),
    ).toEqual([
      { name: ['classNo'], errors: ['班号至少为 1'] },
      { name: ['subjects', 0], errors: ['学科不在列表中'] },
    ]);
  });
});

describe('parseForm', () => {
  it('returns the parsed value when the shared schema accepts it', () => {
    const { form, set } = fakeForm([]);
    expect(parseForm(form, ZCreateClassRequest, { gradeLevel: 3, classNo: '2', entryYear: 2024 })).toEqual({
      gradeLevel: 3,
      classNo: 2,
      entryYear: 2024,
    });
    expect(set).toEqual([]);
  });

  it('puts the schema’s Chinese messages on the fields, and calls an empty field empty', () => {
    const { form, set } = fakeForm([]);
    expect(parseForm(form, ZCreateClassRequest, { gradeLevel: 3, classNo: 41 })).toBeNull();
    expect(set).toEqual([
      { name: ['classNo'], errors: ['班号不超过 40'] },
      { name: ['entryYear'], errors: ['请填写此项'] },
    ]);
  });
});

describe('applyServerErrors', () => {
  it('places server issues on fields the form has, and says when none matched', () => {
    const { form, set } = fakeForm(['classNo']);
    const err = new AppError('VALIDATION_FAILED', '提交的数据有误', 400, {
      issues: [
        { path: ['body', 'classNo'], message: '班号已存在' },
        { path: ['body', 'other'], message: 'x' },
      ],
    });
    expect(applyServerErrors(form, err)).toBe(true);
    expect(set).toEqual([{ name: ['classNo'], errors: ['班号已存在'] }]);
    expect(applyServerErrors(fakeForm([]).form, err)).toBe(false);
    expect(applyServerErrors(form, new AppError('CONFLICT', '冲突', 409))).toBe(false);
  });
});
