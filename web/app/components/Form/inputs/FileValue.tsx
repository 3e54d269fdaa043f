// A file field shown read-only (the server takes no uploads yet): the file's name, linked
// when its URL is a web address, and its size.
import { Show } from "solid-js";
import { fmt } from "../../../lib/i18n";
import { t } from "../messages";

interface FileDescription {
  name: string;
  url: string;
  size?: number;
}

/** Only web addresses become links: a stored "javascript:" URL must never run. */
export const safeHref = (url: string) => (/^(https?:\/\/|\/(?!\/))/i.test(url) ? url : undefined);

export function FileValue(p: { stored: unknown }) {
  const file = () => {
    const v = p.stored as Partial<FileDescription> | null | undefined;
    return v && typeof v === "object" && typeof v.name === "string" ? (v as FileDescription) : undefined;
  };
  return (
    <div class="tq-file">
      <Show when={file()} fallback={<span class="tq-muted">{t("noFile")}</span>}>
        {(f) => (
          <>
            <Show when={safeHref(f().url)} fallback={<span>{f().name}</span>}>
              {(href) => (
                <a href={href()} target="_blank" rel="noopener noreferrer">
                  {f().name}
                </a>
              )}
            </Show>
            <Show when={typeof f().size === "number"}>
              <span class="tq-muted"> · {fmt.number((f().size ?? 0) / 1024, { maximumFractionDigits: 1 })} KB</span>
            </Show>
          </>
        )}
      </Show>
      <span class="tq-muted tq-file-note">{t("fileReadOnly")}</span>
    </div>
  );
}
