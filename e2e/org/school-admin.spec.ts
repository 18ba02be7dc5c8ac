import ExcelJS from 'exceljs';
import { expect, test } from '@playwright/test';
import { apiJson, pickOption, screenshots, signIn } from '../support/fixtures.ts';

/**
 * A school admin creates a class, fills the downloaded roster template with 30 pupils, imports it,
 * and sees them; a teacher assigned to that class then finds it in their personal space.
 */
test('school admin creates a class, imports 30 pupils, and a teacher sees the class', async ({ page, browser }) => {
  test.setTimeout(120_000); // a ceiling for a loaded machine: four pages, an import and a second browser context
  await signIn(page, 'sn_shiyan_admin');
  const home = await apiJson(page.request, 'get', '/api/me/home');
  const schoolId: string = home.school.id;
  await page.goto('/');
  await expect(page.getByTestId('stat-students')).toBeVisible();
  await expect(page.getByRole('img', { name: /一年级 \d+/ })).toBeVisible(); // pupils per grade
  await screenshots(page, 'school-admin-home');

  // create 六年级(5)班 through the UI
  await page.goto(`/schools/${schoolId}`);
  await page.getByTestId('create-class-button').click();
  await pickOption(page, 'class-form-grade', '六年级');
  await page.getByTestId('class-form-classno').fill('5');
  await page.getByTestId('class-form-entry-year').fill('2021');
  await page
    .getByRole('dialog')
    .getByRole('button', { name: /创\s*建/ })
    .click();
  await expect(page.getByRole('row', { name: /六年级\(5\)班/ })).toBeVisible();
  await screenshots(page, 'school-classes');

  // download the template as the admin would and fill it
  const template = await page.request.get(`/api/schools/${schoolId}/roster/template?kind=students`);
  expect(template.ok()).toBe(true);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await template.body()) as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  const headers = (ws.getRow(1).values as string[]).slice(1).map((h) => String(h));
  const col = (name: string) => headers.indexOf(name) + 1;
  const surnames = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
  const given = ['子涵', '欣怡', '梓轩', '语桐', '浩然', '思远', '若曦', '一诺', '宇航', '诗琪'];
  const checkDigit = (s17: string) => {
    const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const sum = [...s17].reduce((a, c, i) => a + Number(c) * w[i], 0);
    return '10X98765432'[sum % 11];
  };
  for (let i = 0; i < 30; i++) {
    const row = ws.getRow(i + 2);
    const id17 = `370202201403${String((i % 28) + 1).padStart(2, '0')}${String(700 + i).padStart(3, '0')}`;
    row.getCell(col('学号')).value = `E2E${String(i + 1).padStart(3, '0')}`;
    row.getCell(col('姓名')).value = `${surnames[i % 10]}${given[(i * 3) % 10]}`;
    row.getCell(col('性别')).value = i % 2 ? '男' : '女'; // the 17th ID digit is odd for males
    row.getCell(col('身份证号')).value = id17 + checkDigit(id17);
    row.getCell(col('年级')).value = '六年级';
    row.getCell(col('班号')).value = 5;
    row.getCell(col('监护人姓名')).value = `${surnames[i % 10]}家长`;
    row.getCell(col('监护人手机')).value = `1375555${String(i).padStart(4, '0')}`;
    row.getCell(col('与学生关系')).value = '母亲';
  }
  const file = Buffer.from(await wb.xlsx.writeBuffer());

  await page.goto(`/roster?schoolId=${schoolId}`);
  await page
    .getByTestId('import-upload')
    .setInputFiles({ name: '六年级5班.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: file });
  await expect(page.getByTestId('import-commit-all')).toBeEnabled();
  await screenshots(page, 'roster-validated');
  await page.getByTestId('import-commit-all').click();
  await expect(page.getByTestId('import-done')).toBeVisible();
  await expect(page.getByTestId('import-done')).toContainText('30');
  await screenshots(page, 'roster-done');

  // the class now lists them
  const classes = await apiJson(page.request, 'get', `/api/schools/${schoolId}/classes`);
  const created = classes.find((c: { name: string }) => c.name === '六年级(5)班');
  await page.goto(`/classes/${created.id}`);
  await expect(page.getByTestId('student-row')).toHaveCount(30);
  await screenshots(page, 'class-detail');

  // correct a teacher's record from the school's teacher list
  await page.goto(`/schools/${schoolId}`);
  await page.getByRole('tab', { name: '教师' }).click();
  const teacherRow = page.getByTestId('teacher-row').filter({ hasText: 't11005' });
  await teacherRow.getByTestId('teacher-edit').click();
  await pickOption(page, 'teacher-form-subjects', '科学');
  await page.getByRole('dialog').getByText('修改教师信息').click(); // closes the subject list
  await screenshots(page, 'teacher-edit');
  await page.getByTestId('teacher-edit-submit').click();
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(teacherRow).toContainText('科学');

  // assign a teacher of the school, who then sees the class on their personal space
  const teachers = await apiJson(page.request, 'get', `/api/schools/${schoolId}/teachers?pageSize=200`);
  const teacher = teachers.items.find((x: { username: string }) => x.username === 't11005');
  await apiJson(page.request, 'post', `/api/classes/${created.id}/teachers`, { teacherId: teacher.id, subject: '科学' });
  const teacherContext = await browser.newContext();
  const teacherPage = await teacherContext.newPage();
  await signIn(teacherPage, 't11005', 'teacher');
  await teacherPage.goto('/');
  await expect(teacherPage.getByTestId('class-card').filter({ hasText: '六年级(5)班' })).toBeVisible();
  await expect(teacherPage.getByTestId('class-card').filter({ hasText: '六年级(5)班' })).toContainText('科学');
  await screenshots(teacherPage, 'teacher-home');
  await teacherContext.close();
});
