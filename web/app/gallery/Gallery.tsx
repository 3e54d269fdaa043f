// The component gallery (/app/_gallery/, when the server runs with --gallery): every
// component type in each of its states, driven by fixtures instead of a server. The list
// shows all; ?story=<component>/<name> shows one alone (the browser tests screenshot
// each), and ?theme=dark switches the theme.
import { createMemo, For, Show } from "solid-js";
import { applyTheme, type Theme } from "../lib/theme";
import { ComponentSlot } from "../shell/PageView";
import { fixtureContext, fixtureSource, type Story } from "./fixtures";
import { t } from "./messages";
import { allStories, storyKey } from "./stories";

function StoryView(props: { story: Story }) {
  const source = fixtureSource(props.story.fixture);
  const ctx = fixtureContext(source, props.story.ctx);
  return (
    <section class="gallery-story" data-story={storyKey(props.story)} aria-label={storyKey(props.story)}>
      <h3>
        <a href={`?story=${encodeURIComponent(storyKey(props.story))}`}>{props.story.name}</a>
      </h3>
      <div class="gallery-frame">
        <ComponentSlot c={props.story.c} ctx={ctx} />
      </div>
    </section>
  );
}

export default function Gallery() {
  const q = new URLSearchParams(location.search);
  const only = q.get("story");
  const th = q.get("theme");
  if (th === "dark" || th === "light") applyTheme(th as Theme);
  const shown = createMemo(() => (only ? allStories.filter((s) => storyKey(s) === only) : allStories));
  const groups = createMemo(() => [...new Set(shown().map((s) => s.component))]);
  document.title = t("title");
  return (
    <main class="gallery shell-main" id="main">
      <h1 class="page-title">{t("title")}</h1>
      <Show when={shown().length} fallback={<p role="alert">{t("noStory", { story: only ?? "" })}</p>}>
        <For each={groups()}>
          {(g) => (
            <section class="gallery-group" aria-labelledby={`g-${g}`}>
              <h2 id={`g-${g}`}>{g}</h2>
              <For each={shown().filter((s) => s.component === g)}>{(s) => <StoryView story={s} />}</For>
            </section>
          )}
        </For>
      </Show>
    </main>
  );
}
