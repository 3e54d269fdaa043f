// Everything the palette can do for the open model: the general commands (undo and redo
// with what they undo, theme, shortcuts, apps, back), the views, and one command per
// entity type and field, rebuilt when the document changes while the palette is open (a
// closed palette does not rebuild 3,000 commands of a large model on every edit).
import { useComputedColorScheme, useMantineColorScheme } from "@mantine/core";
import { useMemo } from "react";
import { useI18n } from "../lib/i18n";
import { homeHref, navigate } from "../lib/route";
import { useModelApps } from "../state/apps";
import { useEditor, useUndoRedo } from "../state/context";
import { SHORTCUTS } from "../workspace/keys";
import { TAB_LABELS, TABS, tabHref } from "../workspace/tabs";
import { type Command, command } from "./search";

const keysOf = (what: (typeof SHORTCUTS)[number]["what"]) => SHORTCUTS.find((s) => s.what === what)?.keys;

export function useCommands(openShortcuts: () => void, open: boolean): Command[] {
  const { t, tn } = useI18n();
  const id = useEditor((s) => s.id);
  const entities = useEditor((s) => (open ? s.doc.entities : null));
  const undoRedo = useUndoRedo();
  const apps = useModelApps(id);
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme("light", { getInitialValueInEffect: false });

  const general = useMemo(() => {
    const { undoLabel: u, redoLabel: r, blocked } = undoRedo;
    const list: Command[] = [
      command({
        id: "undo",
        group: "general",
        label: u ? t("undoWhat", { label: u }) : t("nothingToUndo"),
        keys: keysOf("undo"),
        disabled: !u || blocked,
        run: undoRedo.undo,
      }),
      command({
        id: "redo",
        group: "general",
        label: r ? t("redoWhat", { label: r }) : t("nothingToRedo"),
        keys: keysOf("redo"),
        disabled: !r || blocked,
        run: undoRedo.redo,
      }),
      command({
        id: "add-entity",
        group: "general",
        label: t("paletteAddEntity"),
        description: t("paletteAddEntityHint"),
        run: () => navigate(tabHref(id, "entities")),
      }),
    ];
    if (apps.status === "ready")
      for (const slug of apps.slugs)
        list.push(
          command({
            id: `app:${slug}`,
            group: "general",
            label: t("openAppNamed", { slug }),
            description: `/app/${slug}/`,
            // A named window, as the bar's link: a second time brings the open app forward.
            run: () => void window.open(`/app/${encodeURIComponent(slug)}/`, `torque-app-${slug}`),
          }),
        );
    if (apps.status === "error")
      list.push(command({ id: "apps-failed", group: "general", label: t("paletteAppsFailed", { message: apps.message }), disabled: true, run: () => {} }));
    list.push(
      command({
        id: "theme",
        group: "general",
        label: t(scheme === "dark" ? "colorSchemeLight" : "colorSchemeDark"),
        run: () => setColorScheme(scheme === "dark" ? "light" : "dark"),
      }),
      command({ id: "shortcuts", group: "general", label: t("shortcuts"), keys: keysOf("shortcuts"), run: openShortcuts }),
      command({ id: "home", group: "general", label: t("backHome"), run: () => navigate(homeHref()) }),
    );
    for (const tab of TABS)
      list.push(command({ id: `tab:${tab}`, group: "goto", label: t("paletteGoTo", { tab: t(TAB_LABELS[tab]) }), run: () => navigate(tabHref(id, tab)) }));
    return list;
  }, [t, id, undoRedo, apps, scheme, setColorScheme, openShortcuts]);

  const model = useMemo(() => {
    const types: Command[] = [];
    const fields: Command[] = [];
    for (const e of entities ?? []) {
      const about = [e.label, tn("paletteFields", e.fields.length)].filter(Boolean).join(" · ");
      types.push(
        command(
          {
            id: `entity:${e.name}`,
            group: "entities",
            label: t("paletteOpenEntity", { name: e.name }),
            description: about,
            run: () => navigate(tabHref(id, "entities", e.name)),
          },
          e.name,
        ),
        command(
          {
            id: `diagram:${e.name}`,
            group: "entities",
            label: t("paletteShowInDiagram", { name: e.name }),
            run: () => navigate(tabHref(id, "diagram", undefined, { sel: e.name })),
          },
          e.label,
        ),
      );
      for (const f of e.fields)
        fields.push(
          command({
            id: `field:${e.name}.${f.name}`,
            group: "fields",
            label: t("paletteOpenField", { entity: e.name, field: f.name }),
            description: [f.label, f.type === "reference" && f.entity ? `→ ${f.entity}` : f.type].filter(Boolean).join(" · "),
            run: () => navigate(tabHref(id, "entities", e.name, { field: f.name })),
          }),
        );
    }
    return [...types, ...fields];
  }, [entities, t, tn, id]);

  return useMemo(() => [...general, ...model], [general, model]);
}
