import { withDatabase } from './postgres.ts';

/** The demo accounts' password in benchmarks (passed to the server as QIMING_DEMO_PASSWORD). */
export const DEMO_PASSWORD = 'Qiming@2026';

/**
 * Demo accounts must change their password at first sign-in, and until then every route but
 * /api/me refuses them. A benchmark that signs in clears the flag in the database it created.
 */
export async function clearMustChangePassword(url: string): Promise<number> {
  return withDatabase(
    url,
    async (c) => (await c.query('UPDATE users SET must_change_password = false WHERE must_change_password')).rowCount ?? 0,
  );
}

/** Usernames of active demo accounts holding one of these roles, in a stable order. */
export async function listUsernames(url: string, roles: string[]): Promise<string[]> {
  return withDatabase(url, async (c) => {
    const r = await c.query<{ username: string }>(
      `SELECT DISTINCT u.username FROM users u JOIN role_grants g ON g.user_id = u.id
       WHERE g.role = ANY($1) AND u.is_active ORDER BY u.username`,
      [roles],
    );
    return r.rows.map((row) => row.username);
  });
}

/** Head teachers with the class they lead and its number of pupils, largest classes first. */
export async function listHeadTeacherClasses(
  url: string,
): Promise<{ username: string; classId: string; className: string; students: number }[]> {
  return withDatabase(url, async (c) => {
    const r = await c.query<{ username: string; class_id: string; class_name: string; students: string }>(
      `SELECT u.username, g.scope_id AS class_id, o.name AS class_name,
              (SELECT count(*) FROM students st WHERE st.class_id = g.scope_id) AS students
       FROM role_grants g JOIN users u ON u.id = g.user_id JOIN org_units o ON o.id = g.scope_id
       WHERE g.role = 'head_teacher' AND u.is_active
       ORDER BY students DESC, u.username`,
    );
    return r.rows.map((row) => ({
      username: row.username,
      classId: row.class_id,
      className: row.class_name,
      students: Number(row.students),
    }));
  });
}
