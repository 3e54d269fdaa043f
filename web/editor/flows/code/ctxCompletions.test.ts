// The completion source asked directly, on an editor state with the cursor at the end of
// the text (no view, no DOM): what it offers at each place a script can reach the sandbox.
import { describe, expect, test } from "bun:test";
import { type Completion, CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { javascript } from "@codemirror/lang-javascript";
import { EditorState, type Extension, type TransactionSpec } from "@codemirror/state";
import type { EditorView } from "@codemirror/view";
import { type CtxCompletionOptions, ctxCompletions } from "./ctxCompletions";

const ENTITY_NAMES = ["project", "task"];
const INPUT_KEYS = ["qty", "price", "first name"];

function complete(doc: string, { mode = "script", explicit = false, extensions = [] as Extension[] } = {}) {
  const state = EditorState.create({ doc, extensions });
  const source = ctxCompletions({ mode: mode as CtxCompletionOptions["mode"], entities: () => ENTITY_NAMES, inputKeys: () => INPUT_KEYS });
  return source(new CompletionContext(state, doc.length, explicit)) as CompletionResult | null;
}

const labels = (r: CompletionResult | null) => r?.options.map((o) => o.label);

describe("ctxCompletions in a script", () => {
  test("ctx. offers the sandbox's API, from after the dot", () => {
    const r = complete("const x = ctx.");
    expect(labels(r)).toEqual(["entities", "fetch", "log", "run"]);
    expect(r?.from).toBe("const x = ctx.".length);
    expect(r?.options.find((o) => o.label === "fetch")?.type).toBe("method");
    expect(r?.options.find((o) => o.label === "run")?.type).toBe("property");
  });

  test("ctx.entities. offers the five record operations, each with a signature", () => {
    const r = complete("await ctx.entities.up");
    expect(labels(r)).toEqual(["query", "get", "create", "update", "delete"]);
    expect(r?.from).toBe("await ctx.entities.".length);
    for (const o of r?.options ?? []) {
      expect(o.type).toBe("method");
      expect(o.detail).toStartWith("(entity");
      expect(typeof o.info).toBe("string");
    }
    // Typing on filters the same list rather than asking again.
    expect((r!.validFor as RegExp).test("upd")).toBe(true);
  });

  test("ctx.run. offers the run's metadata", () => {
    expect(labels(complete("ctx.run."))).toEqual(["runId", "app", "flow", "node", "trigger"]);
  });

  test('the first argument of ctx.entities.<op>(" offers the entity types', () => {
    const r = complete('await ctx.entities.query("ta');
    expect(labels(r)).toEqual(ENTITY_NAMES);
    expect(r?.from).toBe('await ctx.entities.query("'.length);
    expect(labels(complete("ctx.entities.get('"))).toEqual(ENTITY_NAMES);
    // Not a later argument, not another method.
    expect(complete('ctx.entities.get("task", "')).toBeNull();
    expect(complete('ctx.fetch("')).toBeNull();
  });

  test("input. offers the sample input's keys; one that is not a name is written with brackets", () => {
    const r = complete("return input.");
    expect(labels(r)).toEqual(INPUT_KEYS);
    expect(r?.options[0]?.apply).toBeUndefined();
    // Its apply only dispatches, so a stand-in for the view shows what it writes.
    const state = EditorState.create({ doc: "return input.fi" });
    let after = "";
    const view = { dispatch: (spec: TransactionSpec) => (after = state.update(spec).state.doc.toString()) } as unknown as EditorView;
    const apply = r?.options[2]?.apply as (v: EditorView, c: Completion, from: number, to: number) => void;
    apply(view, r!.options[2]!, "return input.".length, state.doc.length);
    expect(after).toBe('return input["first name"]');
  });

  test("a name of its own offers input and ctx, once typed or when asked", () => {
    expect(labels(complete("return c"))).toEqual(["input", "ctx"]);
    expect(labels(complete("", { explicit: true }))).toEqual(["input", "ctx"]);
    expect(complete("return ")).toBeNull();
  });

  test("anything else is not ours", () => {
    expect(complete("foo.")).toBeNull();
    expect(complete("myctx.")).toBeNull();
    expect(complete("a.ctx.")).toBeNull();
    expect(complete("ctx.log.")).toBeNull();
    expect(complete("obj.inp")).toBeNull();
  });

  test("nothing in a comment or string, where the parser says so", () => {
    const js = { extensions: [javascript()] };
    expect(complete("// ctx.", js)).toBeNull();
    expect(complete('const s = "input.', js)).toBeNull();
    expect(labels(complete("ctx.", js))).toEqual(["entities", "fetch", "log", "run"]);
    expect(labels(complete('ctx.entities.get("', js))).toEqual(ENTITY_NAMES);
  });
});

describe("ctxCompletions in an expression", () => {
  const expression = { mode: "expression" };

  test("only input is in scope", () => {
    expect(labels(complete("i", expression))).toEqual(["input"]);
    expect(labels(complete("", { ...expression, explicit: true }))).toEqual(["input"]);
    expect(labels(complete("input.", expression))).toEqual(INPUT_KEYS);
  });

  test("ctx offers nothing", () => {
    expect(complete("ctx.", expression)).toBeNull();
    expect(complete("ctx.entities.", expression)).toBeNull();
    expect(complete('ctx.entities.query("', expression)).toBeNull();
  });
});
