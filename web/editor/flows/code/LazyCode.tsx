/** @jsxImportSource react */
// The code editor (CodeMirror) is loaded only when a view that shows code is opened: the
// workflows view's first paint does not wait for it, and the other views never load it.
import { Loader } from "@mantine/core";
import { lazy, Suspense } from "react";
import type { CodeEditorProps } from "./CodeEditor";

const CodeEditor = lazy(() => import("./CodeEditor"));

export function LazyCode(props: CodeEditorProps) {
  return (
    <Suspense fallback={<Loader size="sm" aria-label={props.label} />}>
      <CodeEditor {...props} />
    </Suspense>
  );
}
