// Completions for what a workflow's JavaScript can reach: a script node's code is the body
// of `async (input, ctx) => { ... }` in the sandbox (src/sandbox/hardening.ts builds that
// ctx), an expression sees `input` only. The sandbox's API is small and fixed, so it is
// listed here by hand; what varies, the model's entity types and the keys of the last test
// input, the editor hands in as functions, read when completing, so they stay current
// without rebuilding the editor. Text patterns before the cursor are enough to tell where
// the user is; the syntax tree is only asked whether that is inside a comment or string.
import type { Completion, CompletionContext, CompletionResult, CompletionSource } from "@codemirror/autocomplete";
import { syntaxTree } from "@codemirror/language";

export interface CtxCompletionOptions {
  /** "script": the body of async (input, ctx); "expression": a value computed from input. */
  mode: "script" | "expression";
  /** The names of the model's entity types. */
  entities: () => string[];
  /** The top-level keys of a sample input (the last test run's), if there is one. */
  inputKeys: () => string[];
}

const ENTITY_OPS = ["query", "get", "create", "update", "delete"] as const;

const CTX: Completion[] = [
  {
    label: "entities",
    type: "property",
    detail: "{ query, get, create, update, delete }",
    info: "The app's records. Writes go through validation, hooks and permissions, with the workflow as the one making them.",
  },
  {
    label: "fetch",
    type: "method",
    detail: "(url, { method, headers, body }?) → Promise<{ status, headers, body }>",
    info: "An HTTP request to a host on the app's allow-list (the model's settings.fetchAllowList). An object body is sent as JSON; a JSON response comes back parsed.",
  },
  { label: "log", type: "method", detail: "(...values)", info: "Adds a line to the node's log; values that are not text are written as JSON." },
  {
    label: "run",
    type: "property",
    detail: "{ runId, app, flow, node, trigger }",
    info: "This run: its id, the app, the workflow, this node's id and what started it.",
  },
];

const ENTITIES: Completion[] = [
  {
    label: "query",
    type: "method",
    detail: "(entity, { filter, sort, limit, cursor }?) → Promise<{ data, pagination }>",
    info: "The records of an entity type that match filter, in sort order, at most limit of them; pagination.nextCursor, passed as cursor, gives the next page.",
  },
  {
    label: "get",
    type: "method",
    detail: "(entity, id) → Promise<record>",
    info: "One record ({ id, data, version, ... }); fails when there is none with that id.",
  },
  {
    label: "create",
    type: "method",
    detail: "(entity, data) → Promise<record>",
    info: "Adds a record with the given field values and gives it back with its id.",
  },
  {
    label: "update",
    type: "method",
    detail: "(entity, id, data, { expectedVersion }?) → Promise<record>",
    info: "Changes the given fields of a record. With expectedVersion it fails if the record has changed since that version.",
  },
  {
    label: "delete",
    type: "method",
    detail: "(entity, id) → Promise<{ id, deleted, cascaded }>",
    info: "Removes a record; its relationships' onDelete rules apply.",
  },
];

const RUN: Completion[] = [
  { label: "runId", type: "property", detail: "string", info: "The id of this run." },
  { label: "app", type: "property", detail: "string", info: "The app the workflow belongs to." },
  { label: "flow", type: "property", detail: "string", info: "The workflow's name." },
  { label: "node", type: "property", detail: "string", info: "This node's id." },
  { label: "trigger", type: "property", detail: "string", info: "What started the run." },
];

const INPUT: Completion = { label: "input", type: "variable", detail: "the node's input", info: "What the previous node gave this one." };
const CTX_VAR: Completion = { label: "ctx", type: "variable", detail: "the sandbox's API", info: "entities, fetch, log and run." };

// A name must not be the tail of a longer one or a property of something else: `myctx.`,
// `a.ctx.` and `x.input` are not ours.
const NOT_AFTER = String.raw`(?<![\w$.])`;
const ENTITY_ARG = new RegExp(`${NOT_AFTER}ctx\\.entities\\.(?:${ENTITY_OPS.join("|")})\\(\\s*["'\`]\\w*$`);
const MEMBER = new RegExp(`${NOT_AFTER}(ctx\\.entities|ctx\\.run|ctx|input)\\.[\\w$]*$`);
const WORD = new RegExp(`${NOT_AFTER}[\\w$]*$`);
const IDENT = /^[A-Za-z_$][\w$]*$/;

/** In a comment or string (when a parser is there to say so) nothing of ours applies. */
function inCommentOrString(context: CompletionContext): boolean {
  const name = syntaxTree(context.state).resolveInner(context.pos, -1).name;
  return name === "LineComment" || name === "BlockComment" || name === "String" || name === "TemplateString";
}

/** A key that is not a JavaScript name is written input["a key"], replacing the dot. */
function keyCompletion(key: string): Completion {
  if (IDENT.test(key)) return { label: key, type: "property" };
  return {
    label: key,
    type: "property",
    apply: (view, _completion, from, to) => {
      const insert = `[${JSON.stringify(key)}]`;
      view.dispatch({ changes: { from: from - 1, to, insert }, selection: { anchor: from - 1 + insert.length } });
    },
  };
}

export function ctxCompletions({ mode, entities, inputKeys }: CtxCompletionOptions): CompletionSource {
  return (context: CompletionContext): CompletionResult | null => {
    // The first argument of ctx.entities.<op>(": an entity type's name.
    const arg = mode === "script" ? context.matchBefore(ENTITY_ARG) : null;
    if (arg) {
      const typed = /\w*$/.exec(arg.text)![0];
      return { from: context.pos - typed.length, options: entities().map((e) => ({ label: e, type: "type" })), validFor: /^\w*$/ };
    }
    if (inCommentOrString(context)) return null;

    const member = context.matchBefore(MEMBER);
    if (member) {
      const object = member.text.slice(0, member.text.lastIndexOf("."));
      const from = member.from + object.length + 1;
      const options =
        object === "input" ? inputKeys().map(keyCompletion) : mode === "expression" ? [] : object === "ctx" ? CTX : object === "ctx.entities" ? ENTITIES : RUN;
      return options.length ? { from, options, validFor: /^[\w$]*$/ } : null;
    }

    // A name of its own (WORD refuses one after a dot): the function's parameters. Only once
    // something is typed, unless completion was asked for (Ctrl+Space).
    const word = context.matchBefore(WORD);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    return { from: word.from, options: mode === "script" ? [INPUT, CTX_VAR] : [INPUT], validFor: /^[\w$]*$/ };
  };
}
