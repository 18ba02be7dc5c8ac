import type { TAttempt } from '@qiming/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { isAppError } from '../../lib/api.ts';
import { saveResponses } from './homework.api.ts';
import type { Response } from './components/item-answer.tsx';

/**
 * Autosave that survives a closed browser and a lost network: every change is written to
 * localStorage at once (with the list of items not yet on the server), then sent to the server a
 * moment later; failed sends are retried when the browser is back online. A reopened attempt
 * shows the server's answers overlaid with the local ones the server has not seen yet.
 */
export type SaveState = 'saved' | 'saving' | 'offline' | 'error' | 'closed';

type Stored = { responses: Record<string, Response>; dirty: string[]; submitKey?: string; at: number };
const storageKey = (attemptId: string) => `qiming.hw.attempt.${attemptId}`;

export function readLocal(attemptId: string): Stored | null {
  try {
    const raw = localStorage.getItem(storageKey(attemptId));
    return raw ? (JSON.parse(raw) as Stored) : null;
  } catch {
    return null;
  }
}

function writeLocal(attemptId: string, s: Stored) {
  try {
    localStorage.setItem(storageKey(attemptId), JSON.stringify(s));
  } catch {
    // storage full or private mode: the server copy still has everything that was sent
  }
}

export const clearLocal = (attemptId: string) => {
  try {
    localStorage.removeItem(storageKey(attemptId));
  } catch {
    // nothing to clear
  }
};

/** A key for the submit request, kept locally so that a retry after a lost answer reuses it. */
export function submitKeyFor(attemptId: string): string {
  const s = readLocal(attemptId) ?? { responses: {}, dirty: [], at: Date.now() };
  if (s.submitKey) return s.submitKey;
  const key = (crypto.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`).replace(/[^A-Za-z0-9_-]/g, '');
  writeLocal(attemptId, { ...s, submitKey: key });
  return key;
}

const DEBOUNCE_MS = 800;
const RETRY_MS = 5_000;

export function useAttemptSync(attempt: TAttempt) {
  const id = attempt.id;
  const [responses, setResponses] = useState<Record<string, Response>>(() => {
    const server = Object.fromEntries(attempt.items.map((i) => [i.key, (i.response as Response) ?? null]));
    const local = readLocal(id);
    if (!local) return server;
    const overlay = Object.fromEntries(local.dirty.filter((k) => k in local.responses).map((k) => [k, local.responses[k]]));
    return { ...server, ...overlay };
  });
  const dirty = useRef(new Set<string>(readLocal(id)?.dirty ?? []));
  const latest = useRef(responses);
  const inflight = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const flushRef = useRef<() => Promise<void>>(async () => {});
  /** Runs a flush after `ms`, replacing any one already waiting. */
  const later = useCallback((ms: number) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      void flushRef.current();
    }, ms);
  }, []);
  const [state, setState] = useState<SaveState>(dirty.current.size ? 'offline' : 'saved');
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const canAnswer = attempt.policies.canAnswer;

  const persist = useCallback(() => {
    const prev = readLocal(id);
    writeLocal(id, { responses: latest.current, dirty: [...dirty.current], submitKey: prev?.submitKey, at: Date.now() });
  }, [id]);

  const flush = useCallback(async () => {
    if (inflight.current || !dirty.current.size || !canAnswer) return;
    inflight.current = true;
    const keys = [...dirty.current];
    const sent = Object.fromEntries(keys.map((k) => [k, latest.current[k] ?? null]));
    setState('saving');
    try {
      const r = await saveResponses(id, sent);
      for (const k of keys) if (latest.current[k] === sent[k]) dirty.current.delete(k);
      persist();
      setSavedAt(r.savedAt);
      setState(dirty.current.size ? 'saving' : 'saved');
    } catch (e) {
      if (isAppError(e, 'NETWORK_ERROR')) setState('offline');
      else if (isAppError(e, 'ATTEMPT_NOT_OPEN') || isAppError(e, 'HOMEWORK_CLOSED') || isAppError(e, 'ATTEMPT_DEADLINE_PASSED'))
        setState('closed');
      else setState('error');
      inflight.current = false;
      later(RETRY_MS);
      return;
    }
    inflight.current = false;
    if (dirty.current.size) later(DEBOUNCE_MS);
  }, [id, persist, canAnswer, later]);
  flushRef.current = flush;

  const schedule = useCallback(() => later(DEBOUNCE_MS), [later]);

  const change = useCallback(
    (key: string, value: Response) => {
      latest.current = { ...latest.current, [key]: value };
      dirty.current.add(key);
      setResponses(latest.current);
      persist();
      setState((s) => (s === 'offline' ? 'offline' : 'saving'));
      schedule();
    },
    [persist, schedule],
  );

  useEffect(() => {
    // answers left from a closed tab or an offline stretch go up as soon as the page is back
    if (dirty.current.size) schedule();
    const online = () => void flush();
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('online', online);
      if (timer.current) clearTimeout(timer.current);
    };
  }, [flush, schedule]);

  return { responses, change, state, savedAt, pending: () => dirty.current.size, latest };
}
