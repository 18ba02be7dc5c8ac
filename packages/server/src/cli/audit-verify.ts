/**
 * `npm run audit:verify` — walks the whole audit chain of the configured database (the same
 * settings as `npm start`) and exits 0 when it is intact, 1 when a record was edited or removed.
 * For the embedded database, stop the server first: the data folder allows one process.
 */
import { verifyAuditChain } from '../core/audit/audit.ts';
import { loadConfig } from '../core/config.ts';
import { openDatabase } from '../core/db/database.ts';
import { resolveSecretKey } from '../core/secret.ts';

const config = loadConfig();
const secretKey = resolveSecretKey(config.secretKey, config.dataDir, (m) => console.warn(m));
const database = await openDatabase(config);
try {
  const r = await verifyAuditChain(database.db, secretKey);
  if (r.ok) {
    console.log(`审计日志完整 Audit log intact: ${r.checked} records checked (${r.algorithm}).`);
  } else {
    console.error(
      `审计日志被篡改 Audit log BROKEN after ${r.checked} good records: ${r.reason} (record ${r.firstBrokenId ?? '-'}, ${r.algorithm}).`,
    );
  }
  process.exitCode = r.ok ? 0 : 1;
} finally {
  await database.close();
}
