import { resolved, type Story } from "../../gallery/fixtures";
import type { ResolvedComponent } from "../../lib/types";
import { pageStory, placed } from "../Container/storyPage";

const note = placed(resolved("Text", { text: "Dialogs hold other components of the page: a form, a text, a figure." }, "note"), 1, 0, 8);
const figure = placed(resolved("Kpi", { label: "Open tasks", entity: "task", aggregate: "count", filter: { status: "open" } }, "figure"), 1, 0, 8);

/** A Modal renders only while open, so each story is a small page with a button opening it. */
function story(name: string, modal: Record<string, unknown>, children: ResolvedComponent[] = []): Story {
  const page = [
    placed(resolved("Button", { label: "Open dialog", action: { type: "openModal", modal: "dialog" } }, "opener"), 0, 0, 3),
    placed(resolved("Modal", modal, "dialog"), 1, 0, 8),
    ...children,
  ];
  return { component: "Modal", name, c: resolved("Container", { children: ["page"] }), ctx: pageStory(page) };
}

export const stories: Story[] = [
  story("medium", { title: "About dialogs", children: ["note", "figure"] }, [note, figure]),
  story("small", { title: "A small dialog", size: "small", children: ["note"] }, [note]),
  story("large", { title: "A large dialog", size: "large", children: ["note", "figure"] }, [note, figure]),
  story("empty", { title: "Nothing inside", children: [] }),
  story("unknown child", { title: "A missing child", children: ["gone"] }),
];
