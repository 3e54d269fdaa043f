/** @jsxImportSource react */
// The code editor (CodeMirror, about 160 KB gzipped) is loaded only when a view that shows
// code is opened, and then only once the browser is idle: the workflow's diagram is drawn
// first (its open time is measured), the code fields show their text meanwhile, read-only,
// and become editors a moment later. Other views never load it.
// Loaded by hand rather than with React.lazy: a suspended tree is mounted hidden first,
// and CodeMirror measured its lines there (line numbers came out shorter than the lines).
import { Code } from "@mantine/core";
import { useEffect, useState } from "react";
import type { CodeEditorProps } from "./CodeEditor";

type Editor = (props: CodeEditorProps) => React.JSX.Element;
let loaded: Editor | undefined;
let loading: Promise<Editor> | undefined;

/** The editor's module, fetched once the browser has been idle (at most 400 ms after the first code field asked). */
const load = () =>
  (loading ??= new Promise<void>((resolve) => {
    if ("requestIdleCallback" in window) requestIdleCallback(() => resolve(), { timeout: 400 });
    else setTimeout(resolve, 50);
  })
    .then(() => import("./CodeEditor"))
    .then((m) => (loaded = m.CodeEditor as Editor)));

export function LazyCode(props: CodeEditorProps) {
  const [Editor, setEditor] = useState<Editor | undefined>(() => loaded);
  useEffect(() => {
    if (Editor) return;
    let live = true;
    load().then(
      (e) => live && setEditor(() => e),
      () => {}, // offline: the text stays shown read-only
    );
    return () => {
      live = false;
    };
  }, [Editor]);
  if (Editor) return <Editor {...props} />;
  return (
    <Code block role="group" aria-label={props.label} aria-busy="true" style={{ minHeight: (props.minLines ?? 3) * 20 + 10, whiteSpace: "pre-wrap" }}>
      {props.value}
    </Code>
  );
}
