/** @jsxImportSource react */
// The code editor (CodeMirror, about 160 KB gzipped) is loaded only when a view that shows
// code is opened, and then only once the browser is idle: the workflow's diagram is drawn
// first (its open time is measured), the code fields show their text meanwhile, read-only,
// and become editors a moment later. Other views never load it.
import { Code } from "@mantine/core";
import { lazy, Suspense, useEffect, useState } from "react";
import type { CodeEditorProps } from "./CodeEditor";

const CodeEditor = lazy(() => import("./CodeEditor"));

/** Resolves once the browser has been idle after the first code field asked (at most 400 ms later). */
let idle: Promise<void> | undefined;
let ready = false;
const whenIdle = () =>
  (idle ??= new Promise<void>((resolve) => {
    const done = () => {
      ready = true;
      resolve();
    };
    if ("requestIdleCallback" in window) requestIdleCallback(done, { timeout: 400 });
    else setTimeout(done, 50);
  }));

export function LazyCode(props: CodeEditorProps) {
  const [go, setGo] = useState(ready);
  useEffect(() => {
    if (go) return;
    let live = true;
    void whenIdle().then(() => live && setGo(true));
    return () => {
      live = false;
    };
  }, [go]);
  const waiting = (
    <Code block role="group" aria-label={props.label} aria-busy="true" style={{ minHeight: (props.minLines ?? 3) * 20 + 10, whiteSpace: "pre-wrap" }}>
      {props.value}
    </Code>
  );
  return go ? (
    <Suspense fallback={waiting}>
      <CodeEditor {...props} />
    </Suspense>
  ) : (
    waiting
  );
}
