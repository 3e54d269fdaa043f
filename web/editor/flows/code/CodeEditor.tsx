/** @jsxImportSource react */
// A code field for the workflow editor: a script node's JavaScript, an expression, a JSON
// value. CodeMirror 6 gives it line numbers, highlighting, bracket help, undo and (for
// JavaScript) completion of the sandbox's API; it is loaded on demand (LazyCode.tsx), as the rest
// of the editor has no use for it. It behaves like the editor's other inputs
// (common/CommitInput.tsx): the model changes when the user is done (blur or Ctrl/⌘+Enter),
// Escape puts back the saved value. Tab is left to move focus, as CodeMirror's
// accessibility advice has it, so a keyboard user is never caught inside.
import { autocompletion, closeBrackets, closeBracketsKeymap, closeCompletion, currentCompletions } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { javascript, javascriptLanguage } from "@codemirror/lang-javascript";
import { json, jsonParseLinter } from "@codemirror/lang-json";
import { bracketMatching, defaultHighlightStyle, HighlightStyle, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { linter, lintKeymap } from "@codemirror/lint";
import { Compartment, EditorState, type Extension, Prec, Transaction } from "@codemirror/state";
import { EditorView, keymap, lineNumbers } from "@codemirror/view";
import { Input } from "@mantine/core";
import { type CSSProperties, useEffect, useId, useLayoutEffect, useRef } from "react";
import { ctxCompletions } from "./ctxCompletions";

export interface CodeEditorProps {
  value: string;
  /** Told the text when the user is done with a change (blur, Ctrl/⌘+Enter). */
  onCommit(next: string): void;
  language: "javascript" | "json";
  /** The accessible name of the editable text. */
  label: string;
  /** JavaScript only: a script (the body of async (input, ctx)) or an expression over input. */
  mode?: "script" | "expression";
  /** Height of the empty editor, in lines. */
  minLines?: number;
  readOnly?: boolean;
  /** Shown under the editor, which is then marked invalid. */
  problem?: string | null;
  testId?: string;
  /** Completed inside ctx.entities.<op>(" … */
  entities?: string[];
  /** Completed after input. (the keys of the last test input). */
  inputKeys?: string[];
}

const LINE_PX = 20;

// defaultHighlightStyle's colours are for a light background; each becomes the Mantine
// colour nearest to it, whose -text variable has a light and a dark shade, so the code
// stays readable in both schemes.
const MANTINE_COLOR: Record<string, string> = {
  "#404740": "var(--mantine-color-dimmed)",
  "#708": "var(--mantine-color-grape-text)",
  "#219": "var(--mantine-color-indigo-text)",
  "#164": "var(--mantine-color-teal-text)",
  "#a11": "var(--mantine-color-red-text)",
  "#e40": "var(--mantine-color-orange-text)",
  "#00f": "var(--mantine-color-blue-text)",
  "#30a": "var(--mantine-color-violet-text)",
  "#085": "var(--mantine-color-green-text)",
  "#167": "var(--mantine-color-cyan-text)",
  "#256": "var(--mantine-color-blue-text)",
  "#00c": "var(--mantine-color-blue-text)",
  "#940": "var(--mantine-color-dimmed)",
  "#f00": "var(--mantine-color-error)",
};
const highlight = HighlightStyle.define(
  defaultHighlightStyle.specs.map((s) => (typeof s.color === "string" && MANTINE_COLOR[s.color] ? { ...s, color: MANTINE_COLOR[s.color] } : s)),
);

// Mantine's variables follow the colour scheme, so one theme serves light and dark. The
// minimum height comes from the wrapper (--code-min-height) so it needs no second theme.
const theme = EditorView.theme({
  "&": {
    fontSize: "13px",
    color: "var(--mantine-color-text)",
    backgroundColor: "var(--mantine-color-body)",
    border: "1px solid var(--mantine-color-default-border)",
    borderRadius: "var(--mantine-radius-default)",
  },
  "&.cm-focused": { outline: "1px solid var(--mantine-primary-color-filled)", outlineOffset: "-1px", borderColor: "var(--mantine-primary-color-filled)" },
  "&[data-invalid]": { borderColor: "var(--mantine-color-error)" },
  ".cm-scroller": { fontFamily: "var(--mantine-font-family-monospace)", lineHeight: `${LINE_PX}px` },
  ".cm-content, .cm-gutter": { minHeight: "var(--code-min-height)" },
  ".cm-content": { caretColor: "var(--mantine-color-text)" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--mantine-color-text)" },
  // Lines never wrap, so each is LINE_PX high. CodeMirror's first measure of them came out
  // at the font's natural height (14 px), and the line numbers, drawn at the measured
  // heights, stood closer than the lines until the first edit: they are held to the line's
  // height here (not the hidden spacer that only sets the gutter's width).
  ".cm-lineNumbers .cm-gutterElement:not([style*='visibility'])": { height: `${LINE_PX}px !important` },
  ".cm-gutters": {
    color: "var(--mantine-color-dimmed)",
    backgroundColor: "var(--mantine-color-default-hover)",
    borderRight: "1px solid var(--mantine-color-default-border)",
    borderRadius: "var(--mantine-radius-default) 0 0 var(--mantine-radius-default)",
  },
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground": {
    backgroundColor: "color-mix(in srgb, var(--mantine-primary-color-filled) 30%, transparent)",
  },
  ".cm-tooltip": {
    color: "var(--mantine-color-text)",
    backgroundColor: "var(--mantine-color-body)",
    border: "1px solid var(--mantine-color-default-border)",
    borderRadius: "var(--mantine-radius-default)",
  },
});

/** What depends on the language: JSON is checked as it is typed, JavaScript completes the sandbox's API. */
function languageExtensions(
  language: CodeEditorProps["language"],
  mode: NonNullable<CodeEditorProps["mode"]>,
  latest: { current: CodeEditorProps },
): Extension {
  // An empty JSON field means "none" (a schema left out), not a syntax error.
  const parse = jsonParseLinter();
  if (language === "json") return [json(), linter((view) => (view.state.doc.toString().trim() ? parse(view) : [])), keymap.of(lintKeymap)];
  const completions = ctxCompletions({ mode, entities: () => latest.current.entities ?? [], inputKeys: () => latest.current.inputKeys ?? [] });
  return [javascript(), javascriptLanguage.data.of({ autocomplete: completions }), autocompletion()];
}

function attributes(label: string, problem: string | null, problemId: string, testId: string | undefined, readOnly: boolean): Extension {
  return [
    EditorView.contentAttributes.of({
      "aria-label": label,
      // Focusable by the tab order as such (axe does not count contenteditable as focusable, so the scroller would be unreachable).
      tabindex: "0",
      ...(problem ? { "aria-invalid": "true", "aria-describedby": problemId } : {}),
      ...(readOnly ? { "aria-readonly": "true" } : {}),
      ...(testId ? { "data-testid": testId } : {}),
    }),
    EditorView.editorAttributes.of(problem ? { "data-invalid": "" } : {}),
    // Read-only, not uneditable: the text can still be focused, selected and copied.
    EditorState.readOnly.of(readOnly),
  ];
}

export function CodeEditor(props: CodeEditorProps) {
  const { value, language, label, mode = "script", minLines = 3, readOnly = false, problem = null, testId } = props;
  const problemId = useId();
  const host = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  // The editor is made once; its handlers read the props of the latest render through this.
  const latest = useRef(props);
  useLayoutEffect(() => {
    latest.current = props;
  });
  // The text last committed or given as value: a commit is due only when the text differs.
  const saved = useRef(value);
  const languageConf = useRef(new Compartment()).current;
  const attributesConf = useRef(new Compartment()).current;

  // biome-ignore lint/correctness/useExhaustiveDependencies: made once; the effects below follow the props
  useEffect(() => {
    const commit = (view: EditorView) => {
      const text = view.state.doc.toString();
      if (text === saved.current) return;
      saved.current = text;
      latest.current.onCommit(text);
    };
    const revert = (view: EditorView) => {
      const value = latest.current.value;
      if (view.state.doc.toString() === value) return false;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value } });
      saved.current = value;
      return true;
    };
    const view = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: latest.current.value,
        extensions: [
          // Before autocompletion's own Escape, which lets the key go on (closing a dialog
          // around the editor too) and takes it even when no list is shown (a completion
          // with nothing left to offer is still "active"). Here an open list is closed, else
          // a change reverted, and the key is kept from the page only when one of them was.
          Prec.highest(
            keymap.of([
              {
                key: "Escape",
                run: (v) => (currentCompletions(v.state).length > 0 ? closeCompletion(v) : revert(v)),
                stopPropagation: true,
              },
            ]),
          ),
          Prec.high(
            keymap.of([
              {
                key: "Mod-Enter",
                run: (v) => {
                  commit(v);
                  return true;
                },
              },
            ]),
          ),
          // On the DOM's blur, not CodeMirror's focus change (which comes 10 ms later): a
          // panel that blurs the field before it moves to another node gets the commit first.
          EditorView.domEventHandlers({ blur: (_e, v) => commit(v) }),
          lineNumbers(),
          history(),
          bracketMatching(),
          closeBrackets(),
          indentOnInput(),
          syntaxHighlighting(highlight),
          keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap]),
          theme,
          // Filled in by the effects below, which run right after this one (before a paint).
          languageConf.of([]),
          attributesConf.of([]),
        ],
      }),
    });
    viewRef.current = view;
    return () => {
      view.destroy();
      viewRef.current = null;
    };
  }, []);

  // A value from elsewhere (the model's undo, another window) replaces the text. It is not
  // the user's edit, so it stays out of the editor's own undo history.
  useEffect(() => {
    saved.current = value;
    const view = viewRef.current;
    if (!view || view.state.doc.toString() === value) return;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value }, annotations: Transaction.addToHistory.of(false) });
  }, [value]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the compartment is stable
  useEffect(() => {
    viewRef.current?.dispatch({ effects: languageConf.reconfigure(languageExtensions(language, mode, latest)) });
  }, [language, mode]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the compartment is stable
  useEffect(() => {
    viewRef.current?.dispatch({ effects: attributesConf.reconfigure(attributes(label, problem, problemId, testId, readOnly)) });
  }, [label, problem, problemId, testId, readOnly]);

  return (
    <div>
      {/* The content's 4px padding above and below counts in its height. */}
      <div ref={host} style={{ "--code-min-height": `${minLines * LINE_PX + 8}px` } as CSSProperties} />
      {problem ? (
        <Input.Error id={problemId} role="alert" mt="calc(var(--mantine-spacing-xs) / 2)">
          {problem}
        </Input.Error>
      ) : null}
    </div>
  );
}
