// Translates the legacy flows' small condition language
// (`status == 'Done' && completed_at == null`, `due_date < today()`, `status_changed`)
// into a JavaScript expression for a script node. Anything outside that language is
// refused rather than guessed, so a translated condition means what the legacy one did.
import { lookup } from "./context";

/** Maps a legacy identifier to a JS expression, or undefined when it names nothing known. */
export type IdentifierResolver = (name: string) => string | undefined;

export type Translation = { ok: true; js: string } | { ok: false; reason: string };

const TOKEN = /\s*(?:(\d+(?:\.\d+)?)|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(===|!==|==|!=|<=|>=|&&|\|\||=|[<>!()])|([A-Za-z_][A-Za-z0-9_.]*)\s*(\(\s*\))?)/y;

/** Legacy functions without arguments → JS. */
export const FUNCTIONS: Record<string, string> = {
  now: "new Date().toISOString()",
  today: "new Date().toISOString().slice(0, 10)",
};

/** Words of the legacy language → JS. */
const KEYWORDS: Record<string, string> = { null: "null", true: "true", false: "false", and: "&&", or: "||", not: "!" };

type Token = { kind: "num" | "str" | "op" | "ident" | "call"; text: string };

function tokenize(src: string): Token[] | string {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.length) {
    if (/^\s*$/.test(src.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(src);
    if (!m) return `cannot read "${src.slice(start).trim()}"`;
    if (m[1]) out.push({ kind: "num", text: m[1] });
    else if (m[2]) out.push({ kind: "str", text: m[2] });
    else if (m[3]) out.push({ kind: "op", text: m[3] });
    else out.push({ kind: m[5] ? "call" : "ident", text: m[4]! });
  }
  return out;
}

/** A legacy string literal ('x' or "x") as a JS string literal. */
const stringLiteral = (quoted: string): string => JSON.stringify(quoted.slice(1, -1).replace(/\\(.)/g, "$1"));

export function translateCondition(src: string, resolve: IdentifierResolver): Translation {
  const tokens = tokenize(src);
  if (typeof tokens === "string") return { ok: false, reason: tokens };
  if (tokens.length === 0) return { ok: false, reason: "empty condition" };
  const isNull = (t: Token | undefined) => t?.kind === "ident" && t.text.toLowerCase() === "null";
  const parts: string[] = [];
  for (const [i, t] of tokens.entries()) {
    switch (t.kind) {
      case "num":
        parts.push(t.text);
        break;
      case "str":
        parts.push(stringLiteral(t.text));
        break;
      case "call": {
        const fn = lookup(FUNCTIONS, t.text.toLowerCase());
        if (!fn) return { ok: false, reason: `unknown function ${t.text}()` };
        parts.push(fn);
        break;
      }
      case "op": {
        // Comparing with null also matches a missing value (`== null`); everything else compares strictly.
        const loose = isNull(tokens[i - 1]) || isNull(tokens[i + 1]);
        const eq = t.text === "==" || t.text === "=" || t.text === "===";
        const ne = t.text === "!=" || t.text === "!==";
        parts.push(eq ? (loose ? "==" : "===") : ne ? (loose ? "!=" : "!==") : t.text);
        break;
      }
      case "ident": {
        const word = t.text.toLowerCase();
        const literal = lookup(KEYWORDS, word);
        const js = literal ?? resolve(t.text);
        if (js === undefined) return { ok: false, reason: `"${t.text}" is not a field of the record` };
        parts.push(js);
        break;
      }
    }
  }
  const js = parts.reduce((acc, p) => (acc === "" || acc.endsWith("(") || acc.endsWith(" !") || acc === "!" || p === ")" ? acc + p : `${acc} ${p}`), "");
  return compiles(js) ? { ok: true, js } : { ok: false, reason: "not a well-formed expression" };
}

/** Whether the JS parses as an expression (compiled only, never run). */
function compiles(js: string): boolean {
  try {
    new Function("record", "previous", `return (${js});`);
    return true;
  } catch {
    return false;
  }
}
