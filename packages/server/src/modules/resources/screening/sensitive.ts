import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TSafetyHit } from '@qiming/shared';
import mintFilter, { type Mint as MintClass } from 'mint-filter';
import type { DbOrTx } from '../../../core/db/database.ts';

// CommonJS under Node (the class is a property of the default export), ESM under Vitest (it is the default export)
const Mint = ((mintFilter as unknown as { Mint?: typeof MintClass }).Mint ?? mintFilter) as typeof MintClass;
type MintInstance = MintClass;

const LEXICON_FILE = path.join(import.meta.dirname, 'lexicon', 'default-lexicon.tsv');
const SEEDED_KEY = 'resources.lexicon_seeded';
const VERSION_KEY = 'resources.lexicon_version';
/** Characters of context shown on each side of a hit. */
const CONTEXT = 12;

export type Matcher = { version: number; mint: MintInstance | null; categories: Map<string, string> };

/** The shipped word list (see docs/data-sources.md), as (word, category) pairs. */
export function defaultLexicon(): [string, string][] {
  return readFileSync(LEXICON_FILE, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t') as [string, string]);
}

/** Loads the shipped list into the database once; administrators maintain it from there. */
export async function ensureLexicon(db: DbOrTx): Promise<void> {
  const seeded = await db.selectFrom('settings').select('key').where('key', '=', SEEDED_KEY).executeTakeFirst();
  if (seeded) return;
  const rows = defaultLexicon();
  const now = new Date();
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto('sensitive_words')
      .values(rows.slice(i, i + 1000).map(([word, category]) => ({ id: randomUUID(), word, category, source: 'lexicon', created_at: now })))
      .onConflict((oc) => oc.column('word').doNothing())
      .execute();
  }
  await db
    .insertInto('settings')
    .values({ key: SEEDED_KEY, value: JSON.stringify({ words: rows.length, at: now.toISOString() }), updated_at: now })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  await bumpLexiconVersion(db);
}

/** Every change to the list moves the version, so each process rebuilds its automaton on its next scan. */
export async function bumpLexiconVersion(db: DbOrTx): Promise<void> {
  const v = String(Date.now());
  await db
    .insertInto('settings')
    .values({ key: VERSION_KEY, value: v, updated_at: new Date() })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: v, updated_at: new Date() }))
    .execute();
}

let cached: Matcher | null = null;

/** The Aho–Corasick automaton over the enabled words, rebuilt when the list changed. */
export async function getMatcher(db: DbOrTx): Promise<Matcher> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', VERSION_KEY).executeTakeFirst();
  const version = Number(row?.value ?? 0);
  if (cached && cached.version === version) return cached;
  const words = await db.selectFrom('sensitive_words').select(['word', 'category']).where('is_enabled', '=', true).execute();
  cached = {
    version,
    mint: words.length ? new Mint(words.map((w) => w.word)) : null,
    categories: new Map(words.map((w) => [w.word.toLowerCase(), w.category])),
  };
  return cached;
}

/** A matcher over a fixed list, for tests and tools. */
export const matcherOf = (words: [string, string][]): Matcher => ({
  version: -1,
  mint: new Mint(words.map((w) => w[0])),
  categories: new Map(words.map(([w, c]) => [w.toLowerCase(), c])),
});

/**
 * Every occurrence of every listed word in `text`, with the characters around it so a reviewer
 * sees how it is used. The automaton finds which words occur; their positions are then located.
 */
export function scanText(matcher: Matcher, field: TSafetyHit['field'], text: string, limit = 200): TSafetyHit[] {
  if (!matcher.mint || !text) return [];
  const found = matcher.mint.filter(text, { replace: false }).words;
  if (!found.length) return [];
  const lower = text.toLowerCase();
  const hits: TSafetyHit[] = [];
  for (const word of new Set(found.map((w) => w.toLowerCase()))) {
    for (let at = lower.indexOf(word); at !== -1 && hits.length < limit; at = lower.indexOf(word, at + word.length)) {
      hits.push({
        word: text.slice(at, at + word.length),
        category: matcher.categories.get(word) ?? '其他',
        field,
        offset: at,
        before: text.slice(Math.max(0, at - CONTEXT), at).replace(/\s+/g, ' '),
        after: text.slice(at + word.length, at + word.length + CONTEXT).replace(/\s+/g, ' '),
      });
    }
  }
  return hits.sort((a, b) => a.offset - b.offset);
}
