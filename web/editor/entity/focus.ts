// Deep links into the entity editor (?field=…&prop=…, from the problems panel and the
// palette) land on the control they name: scrolled into view, focused and highlighted.
// Controls carry data-prop="<property>" on their wrapper; the field editor and the type's
// editor carry data-editor="field" / "entity".

const FOCUSABLE =
  "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [tabindex]:not([tabindex='-1'])";

/** Focus the control for `prop` inside `scope` (or the scope's heading), and mark it for a moment. Returns whether something was found. */
export function focusProp(scope: "field" | "entity", prop: string | null, what: "heading" | "name" = "heading"): boolean {
  const root = document.querySelector<HTMLElement>(`[data-editor="${scope}"]`);
  if (!root) return false;
  const target = prop
    ? (root.querySelector<HTMLElement>(`[data-prop="${CSS.escape(prop)}"]`) ?? root.querySelector<HTMLElement>('[data-prop="_other"]'))
    : null;
  if (!target) {
    const el = what === "name" ? root.querySelector<HTMLElement>('[data-prop="name"] input') : root.querySelector<HTMLElement>("[data-heading]");
    el?.focus();
    el?.scrollIntoView({ block: "nearest" });
    return !!el;
  }
  target.scrollIntoView({ block: "center" });
  (target.matches(FOCUSABLE) ? target : target.querySelector<HTMLElement>(FOCUSABLE))?.focus({ preventScroll: true });
  target.classList.remove("entity-highlight");
  // Restart the animation when the same place is linked again.
  void target.offsetWidth;
  target.classList.add("entity-highlight");
  setTimeout(() => target.classList.remove("entity-highlight"), 2600);
  return true;
}
