import { parentPort } from 'node:worker_threads';
import { documentRow, type SearchDocumentInput } from './document.ts';
import { encodeDocuments } from './search.repository.ts';

/** A segmentation worker for bulk loads: documents in, their rows with their words encoded for the bulk statement out (bulk.ts). */
parentPort!.on('message', (msg: { id: number; docs: SearchDocumentInput[] }) => {
  try {
    parentPort!.postMessage({ id: msg.id, encoded: encodeDocuments(msg.docs.map(documentRow)) });
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
