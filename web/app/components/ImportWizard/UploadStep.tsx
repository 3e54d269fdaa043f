// Step 1: the data, from a file (the input itself, or dropped on the zone around it) or
// pasted. The file is read here in the browser; nothing is sent before the check.
import { createSignal, createUniqueId, For, Show } from "solid-js";
import { fmt } from "../../lib/i18n";
import { count, t } from "./messages";
import { MAX_BYTES, MAX_ROWS, type Parsed, type ParseProblem } from "./parse";

export interface Upload {
  name: string;
  text: string;
  pasted?: boolean;
}

/** At most this many CSV problems are listed; the rest are counted. */
const LISTED = 5;

/** A parse problem in words, one line each. */
export function problemLines(p: ParseProblem): string[] {
  switch (p.kind) {
    case "noRows":
      return [t("noRows")];
    case "tooManyRows":
      return [t("tooManyRows", { rows: count("rows", p.rows), max: fmt.number(MAX_ROWS) })];
    case "notJson":
      return [t("notJson", { message: p.message })];
    case "notList":
      return [t("notList")];
    case "csv": {
      const lines = p.errors
        .slice(0, LISTED)
        .map((e) =>
          "expected" in e
            ? t("csvCount", { row: fmt.number(e.row), got: count("cells", e.got), expected: count("columns", e.expected) })
            : t("csvQuote", { row: fmt.number(e.row) }),
        );
      return p.errors.length > LISTED ? [...lines, t("moreErrors", { n: fmt.number(p.errors.length - LISTED) })] : lines;
    }
  }
}

const mb = (bytes: number) => fmt.number(bytes / 1024 / 1024, { maximumFractionDigits: 1 });

export function UploadStep(props: { upload: Upload | undefined; parsed: Parsed | undefined; onUpload(u: Upload | undefined): void }) {
  let input!: HTMLInputElement;
  const ids = { hint: createUniqueId(), problem: createUniqueId(), file: createUniqueId(), paste: createUniqueId() };
  const [refused, setRefused] = createSignal<string>();
  const [reading, setReading] = createSignal<string>();
  const [over, setOver] = createSignal(false);

  /** A refused file also drops the one before it: what is shown as chosen is what goes on. */
  const refuse = (why: string) => {
    setRefused(why);
    props.onUpload(undefined);
  };
  async function read(file: File | undefined) {
    if (!file) return;
    setRefused(undefined);
    if (!/\.(csv|json)$/i.test(file.name) && !/^(text\/csv|application\/json)/.test(file.type)) return refuse(t("unsupported", { name: file.name }));
    if (file.size > MAX_BYTES) return refuse(t("tooBig", { name: file.name, size: mb(file.size), max: mb(MAX_BYTES) }));
    setReading(file.name);
    try {
      props.onUpload({ name: file.name, text: await file.text() });
    } catch (e) {
      refuse(t("readFailed", { name: file.name, message: (e as Error).message }));
    } finally {
      setReading(undefined);
    }
  }

  const problems = () => {
    const r = refused();
    if (r) return [r];
    const p = props.parsed;
    return p && !p.ok ? problemLines(p.problem) : [];
  };
  const summary = () => {
    const p = props.parsed;
    if (refused() || !p?.ok || !props.upload) return undefined;
    return t("read", { name: props.upload.name, rows: count("rows", p.table.rows.length), columns: count("columns", p.table.headers.length) });
  };
  const describedBy = () => (problems().length ? `${ids.hint} ${ids.problem}` : ids.hint);

  return (
    <>
      <p class="iw-muted" id={ids.hint}>
        {t("uploadIntro", { mb: mb(MAX_BYTES) })}
      </p>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: dropping a file is a pointer enhancement; the file input inside is the way for everyone */}
      <div
        class="iw-drop"
        classList={{ over: over() }}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void read(e.dataTransfer?.files[0]);
        }}
      >
        <span class="iw-drop-icon" aria-hidden="true">
          ⇪
        </span>
        <p class="iw-drop-hint">{over() ? t("dropActive") : t("dropHint")}</p>
        <label class="visually-hidden" for={ids.file}>
          {t("fileLabel")}
        </label>
        <input
          ref={input}
          id={ids.file}
          type="file"
          accept=".csv,.json,text/csv,application/json"
          aria-describedby={describedBy()}
          aria-invalid={problems().length && !props.upload?.pasted ? "true" : undefined}
          onChange={(e) => {
            void read(e.currentTarget.files?.[0]);
          }}
        />
      </div>
      <div class="field iw-paste">
        <label for={ids.paste}>{t("pasteLabel")}</label>
        <textarea
          id={ids.paste}
          rows="5"
          spellcheck={false}
          value={props.upload?.pasted ? props.upload.text : ""}
          aria-describedby={describedBy()}
          aria-invalid={problems().length && props.upload?.pasted ? "true" : undefined}
          onInput={(e) => {
            // The latest input wins: pasting replaces a chosen file.
            input.value = "";
            setRefused(undefined);
            const text = e.currentTarget.value;
            props.onUpload(text.trim() ? { name: t("pasted"), text, pasted: true } : undefined);
          }}
        />
      </div>
      <div aria-live="polite">
        <Show when={reading()}>{(name) => <p class="iw-note">{t("reading", { name: name() })}</p>}</Show>
        <Show when={problems().length}>
          <div class="iw-note bad" id={ids.problem}>
            <For each={problems()}>{(line) => <p>{line}</p>}</For>
          </div>
        </Show>
        <Show when={summary()}>
          {(s) => (
            <p class="iw-note good">
              <span aria-hidden="true">✓ </span>
              {s()}
            </p>
          )}
        </Show>
      </div>
    </>
  );
}
