import { parentPort } from 'node:worker_threads';
import { documentRow, type SearchDocumentInput } from './document.ts';

/** A segmentation worker for bulk loads: documents in, rows with their words out (bulk.ts). */
parentPort!.on('message', (msg: { id: number; docs: SearchDocumentInput[] }) => {
  try {
    parentPort!.postMessage({ id: msg.id, rows: msg.docs.map(documentRow) });
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
