// The palette's commands and how a query finds them. A model of 100 types × 30 fields
// gives some 3,300 commands: each keeps its searchable text lower-cased once, a query is
// its words (any order, case-insensitive), and only the best `limit` are shown.

export type CommandGroup = "general" | "goto" | "entities" | "fields";

export interface Command {
  id: string;
  group: CommandGroup;
  label: string;
  description?: string;
  /** Its keyboard shortcut, written as in workspace/keys.ts ("Mod", "Shift", "Z"). */
  keys?: readonly string[];
  /** Listed but not runnable (Undo with nothing to undo). */
  disabled?: boolean;
  /** What a query is matched against, lower-cased: the label, and with it description and names. */
  head: string;
  text: string;
  run(): void;
}

/** A command with its searchable text (`names`: extra words such as the field's type). */
export function command(c: Omit<Command, "head" | "text">, names = ""): Command {
  const head = c.label.toLowerCase();
  return { ...c, head, text: `${head} ${c.description ?? ""} ${names}`.toLowerCase() };
}

export const words = (query: string): string[] => query.toLowerCase().split(/\s+/).filter(Boolean);

/** Where a word starts in the text: after a space, dot, underscore or hyphen, or at the start. */
const BOUNDARY = /[\s._-]/;

/** Whether `w` occurs in `text` at the start of a word. */
function atStart(text: string, w: string): boolean {
  for (let at = text.indexOf(w); at >= 0; at = text.indexOf(w, at + 1)) if (at === 0 || BOUNDARY.test(text[at - 1]!)) return true;
  return false;
}

/** 0 when a word is missing; otherwise higher for words in the label, and at a word's start. */
function score(c: Command, ws: string[]): number {
  let total = 0;
  for (const w of ws) {
    if (!c.text.includes(w)) return 0;
    total += c.head.includes(w) ? (atStart(c.head, w) ? 4 : 2) : atStart(c.text, w) ? 1.5 : 1;
  }
  return total;
}

export interface SearchResult {
  /** The commands to show, grouped (groups in the order of their best match). */
  shown: Command[];
  /** How many commands match in all. */
  total: number;
}

/** The commands matching every word of the query, best first, at most `limit` of them. */
export function search(commands: readonly Command[], query: string, limit: number): SearchResult {
  const ws = words(query);
  let ranked: Command[];
  if (!ws.length) ranked = commands.slice();
  else {
    const hits: { c: Command; s: number; i: number }[] = [];
    commands.forEach((c, i) => {
      const s = score(c, ws);
      if (s) hits.push({ c, s, i });
    });
    hits.sort((a, b) => b.s - a.s || a.i - b.i);
    ranked = hits.map((h) => h.c);
  }
  const top = ranked.slice(0, limit);
  // Keep each group together (they are shown under a heading), in the order of its best hit.
  const order: CommandGroup[] = [];
  for (const c of top) if (!order.includes(c.group)) order.push(c.group);
  const shown = order.flatMap((g) => top.filter((c) => c.group === g));
  return { shown, total: ranked.length };
}
