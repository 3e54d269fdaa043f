// Flow commands keep a model whole: after each the server's validator finds nothing.
import { describe, expect, test } from "bun:test";
import { applyEdits } from "../../../src/model/invert";
import type { Model } from "../../../src/model/schema";
import { templates } from "../../../src/model/templates";
import { validateModel } from "../../../src/model/validate";
import { addFlow, flowUsers, removeFlow, renameFlow, replaceFlow } from "./flowActions";

const crm = () => structuredClone(templates.crm) as unknown as Model;
const valid = (d: Model) => {
  expect(validateModel(d)).toEqual([]);
  return d;
};
const button = (d: Model) => d.pages!.flatMap((p) => p.components).find((c) => (c.props?.action as { type?: string } | undefined)?.type === "runXFlow");

describe("flows", () => {
  test("a new flow runs from start to end and is valid", () => {
    const m = valid(applyEdits(crm(), addFlow("notify").edits));
    expect(m.xflows!.at(-1)!.edges).toEqual([{ from: "start", to: "end" }]);
  });

  test("replace: the definition as given, a key left out removed, the name kept", () => {
    const doc = crm();
    const f = doc.xflows![0]!;
    const m = valid(applyEdits(doc, replaceFlow(f, { ...f, name: "ignored", description: undefined, timeoutMs: 5000 }).edits));
    const after = m.xflows!.find((x) => x.name === f.name)!;
    expect(after.timeoutMs).toBe(5000);
    expect("description" in after).toBe(false);
  });

  test("rename and remove follow the buttons that run the flow", () => {
    const doc = crm();
    const b = button(doc);
    if (!b) {
      // The template has no button running a flow: give one to the first page.
      const name = doc.xflows![0]!.name;
      doc.pages![0]!.components.push({
        id: "run",
        type: "Button",
        position: { row: 30, col: 0, width: 2, height: 1 },
        props: { label: "Run", action: { type: "runXFlow", xflow: name } },
      });
    }
    const name = (button(doc)!.props!.action as { xflow: string }).xflow;
    expect(flowUsers(doc, name).length).toBeGreaterThan(0);
    const r = valid(applyEdits(doc, renameFlow(doc, name, "renamed").edits));
    expect((button(r)!.props!.action as { xflow: string }).xflow).toBe("renamed");
    const gone = valid(applyEdits(doc, removeFlow(doc, name).edits));
    expect(gone.xflows!.some((x) => x.name === name)).toBe(false);
    expect(button(gone)).toBeUndefined();
  });
});
