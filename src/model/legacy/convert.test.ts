import { describe, expect, test } from "bun:test";
import { TorqueError } from "../../lib/errors";
import type { EntityType, Field, Model, XFlow } from "../schema";
import { validateModel } from "../validate";
import { convertLegacyModel, isLegacyModel, type LegacyConversion } from "./convert";

const fixtureUrl = (name: string) => new URL(`../../../tests/fixtures/torque-rust-samples/${name}`, import.meta.url);
const readJson = async (url: URL): Promise<any> => JSON.parse(await Bun.file(url).text());

const todoDoc = await readJson(fixtureUrl("todo-app.json"));
const orderDoc = await readJson(fixtureUrl("customer-order.json"));
const todo = convertLegacyModel(todoDoc);
const orders = convertLegacyModel(orderDoc);

const entity = (m: Model, name: string): EntityType => m.entities.find((e) => e.name === name)!;
const field = (m: Model, e: string, f: string): Field | undefined => entity(m, e).fields.find((x) => x.name === f);
const flow = (m: Model, name: string): XFlow | undefined => m.xflows?.find((x) => x.name === name);
const reportAt = (c: LegacyConversion, path: string) => c.report.filter((r) => r.path === path);

/** Follows a converted flow from start to end, running script nodes the way the engine's contract says: code is the body of async (input, ctx). */
async function runFlow(x: XFlow, input: unknown): Promise<any> {
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;
  let node = x.nodes.find((n) => n.type === "start")!;
  let value = input;
  for (let hops = 0; hops < 50; hops++) {
    if (node.type === "script") value = await new AsyncFunction("input", "ctx", String((node as { code?: unknown }).code))(value, {});
    if (node.type === "end") return value;
    const edge = x.edges.find((e) => e.from === node.id)!;
    node = x.nodes.find((n) => n.id === edge.to)!;
  }
  throw new Error("flow did not reach its end");
}

/** Resolves a JSON Pointer; undefined when it leads nowhere. */
function resolvePointer(doc: unknown, path: string): unknown {
  if (path === "") return doc;
  let cur: any = doc;
  for (const raw of path.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (cur === null || typeof cur !== "object" || !(key in cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

describe("converted fixtures are valid Torque models", () => {
  test.each([
    ["todo-app.json", todo],
    ["customer-order.json", orders],
  ])("%s validates with no issues", (_name, c) => {
    expect(validateModel(c.model)).toEqual([]);
    expect(c.report.filter((r) => r.message.includes("still invalid"))).toEqual([]);
  });

  test("every report item points at something in the legacy document", () => {
    for (const [doc, c] of [
      [todoDoc, todo],
      [orderDoc, orders],
    ] as const)
      for (const item of c.report) expect({ path: item.path, found: resolvePointer(doc, item.path) !== undefined }).toEqual({ path: item.path, found: true });
  });

  test("model name and description are kept; legacy version, config and created_by are reported", () => {
    expect(todo.model.name).toBe("Todo Application");
    expect(todo.model.description).toStartWith("Complete task management system");
    expect(todo.model.version).toBeUndefined();
    expect(reportAt(todo, "/version")[0]?.message).toContain("Torque numbers every saved version");
    expect(reportAt(todo, "/config")[0]?.severity).toBe("dropped");
    expect(reportAt(todo, "/created_by")[0]?.severity).toBe("dropped");
  });

  test("a name past 200 characters is cut between characters, never inside an emoji", () => {
    // Found by tests/fuzz: 101 emoji were cut after 199 UTF-16 units, leaving half of one (a lone surrogate).
    for (const name of ["😀".repeat(101), `x${"😀".repeat(101)}`]) {
      const c = convertLegacyModel({ ...structuredClone(todoDoc), name });
      expect(c.model.name.isWellFormed()).toBe(true);
      expect(c.model.name.length).toBeLessThanOrEqual(200);
      expect(c.model.name).toEndWith("…");
      expect(name.startsWith(c.model.name.slice(0, -1))).toBe(true);
    }
  });

  test("values whose own toString is data, or lists nested deep, are quoted without calling them", () => {
    // Found by tests/fuzz: String({"toString": 1}) throws "No default value" (a masked internal error at every door).
    const hostile = () => JSON.parse('{"toString": 1, "valueOf": 2}');
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = [deep];
    for (const odd of [hostile(), deep]) {
      const doc = structuredClone(todoDoc);
      doc.sample_data.project[0].id = odd;
      doc.entities[0].constraints[0].name = odd;
      doc.entities[0].constraints[0].type = odd;
      const c = convertLegacyModel(doc);
      expect(c.model.entities.length).toBe(todo.model.entities.length);
      expect(JSON.stringify(c.report)).not.toContain("[object Object]");
    }
  });

  test("ids that are not UUIDs are tolerated and mentioned once", () => {
    const notes = todo.report.filter((r) => r.message.includes("not valid UUIDs"));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.severity).toBe("changed");
  });
});

describe("entities and fields", () => {
  test("entity types keep their names and labels; the legacy id field becomes the record id", () => {
    expect(todo.model.entities.map((e) => e.name)).toEqual(["project", "category", "task"]);
    expect(entity(todo.model, "task").label).toBe("Task");
    for (const e of todo.model.entities) expect(e.fields.some((f) => f.name === "id")).toBe(false);
    expect(reportAt(todo, "/entities/2/fields/0")[0]).toMatchObject({ severity: "changed" });
  });

  test("field types map to their canonical equivalents", () => {
    const m = todo.model;
    expect(field(m, "task", "project_id")).toMatchObject({ type: "reference", entity: "project", required: true });
    expect(field(m, "task", "category_id")).toMatchObject({ type: "reference", entity: "category" });
    expect(field(m, "task", "title")).toMatchObject({ type: "text", required: true, maxLength: 200, label: "Task Title" });
    expect(field(m, "task", "description")?.type).toBe("longtext"); // textarea widget
    expect(field(m, "task", "status")).toMatchObject({ type: "enum", values: ["Todo", "In Progress", "Review", "Done", "Cancelled"], default: "Todo" });
    expect(field(m, "task", "estimated_hours")).toMatchObject({ type: "number", min: 0 });
    expect(field(m, "task", "due_date")?.type).toBe("datetime");
    expect(field(m, "project", "due_date")?.type).toBe("date");
    expect(field(m, "category", "active")).toMatchObject({ type: "boolean", default: true });
    expect(field(m, "project", "name")).toMatchObject({ unique: true, maxLength: 100 }); // UniqueKey constraint
  });

  test("audit fields stay as datetime fields with default now", () => {
    expect(field(todo.model, "task", "created_at")).toMatchObject({ type: "datetime", required: true, default: "now" });
    expect(field(orders.model, "order", "updated_at")).toMatchObject({ type: "datetime", default: "now" });
  });

  test("validation rules without a value are reported as dropped", () => {
    expect(field(todo.model, "project", "name")?.minLength).toBeUndefined();
    expect(reportAt(todo, "/entities/0/fields/1/validation/1")[0]).toMatchObject({ severity: "dropped" });
    expect(reportAt(orders, "/entities/1/fields/4/validation/0")[0]?.message).toContain("Total amount must be positive");
  });

  test("an email pattern rule that lost its pattern becomes an email field", () => {
    expect(field(orders.model, "customer", "email")).toMatchObject({ type: "email", unique: true, required: true });
    expect(reportAt(orders, "/entities/0/fields/3/validation/1")[0]?.severity).toBe("changed");
  });

  test("indexes are kept by name", () => {
    expect(entity(todo.model, "task").indexes).toContainEqual({ name: "idx_task_status", fields: ["status"] });
    expect(entity(orders.model, "customer").indexes).toContainEqual({ name: "idx_customer_email", fields: ["email"], unique: true });
  });
});

describe("relationships", () => {
  test("foreign keys become references named as the inverse, with onDelete from cascade", () => {
    expect(todo.model.relationships).toEqual([
      { name: "project_tasks", from: "project", to: "task", kind: "1:n", inverse: "project_id", onDelete: "cascade" },
      { name: "category_tasks", from: "category", to: "task", kind: "1:n", inverse: "category_id", onDelete: "setNull" },
    ]);
  });

  test("setNull on a required key makes the key optional and says so", () => {
    expect(orders.model.relationships?.[0]).toMatchObject({ from: "customer", to: "order", onDelete: "setNull", inverse: "customer_id" });
    expect(field(orders.model, "order", "customer_id")?.required).toBeUndefined();
    expect(reportAt(orders, "/relationships/0/cascade")[0]?.message).toContain("made optional");
  });
});

describe("layouts become pages", () => {
  test("one page per layout, with start page and navigation", () => {
    const m = todo.model;
    expect(m.pages?.map((p) => [p.name, p.title, p.path])).toEqual([
      ["project_dashboard", "Project Dashboard", "/project_dashboard"],
      ["task_board", "Task Board", "/task_board"],
      ["category_management", "Category Management", "/category_management"],
      ["task_form", "Task Form", "/task_form"],
    ]);
    expect(m.startPage).toBe("project_dashboard");
    expect(m.navigation?.map((n) => n.page)).toEqual(m.pages!.map((p) => p.name));
    expect(orders.model.startPage).toBe("customer_dashboard"); // no start_page: the first page
  });

  test("components sit on the 12-column grid with unique ids", () => {
    for (const c of [todo, orders])
      for (const page of c.model.pages!) {
        expect(new Set(page.components.map((x) => x.id)).size).toBe(page.components.length);
        for (const comp of page.components) expect(comp.position.col + comp.position.width).toBeLessThanOrEqual(12);
      }
    const board = todo.model.pages!.find((p) => p.name === "category_management")!;
    expect(board.components.map((c) => [c.type, c.position])).toEqual([
      ["DataGrid", { row: 0, col: 0, width: 8, height: 6 }],
      ["Form", { row: 0, col: 8, width: 4, height: 6 }],
    ]);
  });

  test("grid props, legacy sort and button actions are translated", () => {
    const [grid, addTask, categories] = todo.model.pages!.find((p) => p.name === "task_board")!.components;
    expect(grid!.props).toMatchObject({ entity: "task", pageSize: 30, sort: [{ field: "priority", dir: "desc" }] });
    expect(grid!.props?.columns).toContain("project_id");
    expect(addTask).toMatchObject({ type: "Button", props: { label: "Add Task", action: { type: "openForm", entity: "task" } } });
    expect(categories!.props?.action).toEqual({ type: "navigate", page: "category_management" });
    const form = todo.model.pages!.find((p) => p.name === "task_form")!.components[0]!;
    expect(form.props?.fields).toEqual([
      "title",
      "description",
      "project_id",
      "category_id",
      "status",
      "priority",
      "estimated_hours",
      "actual_hours",
      "due_date",
    ]);
  });

  test("styling and unsupported settings are reported once per layout", () => {
    const layout0 = reportAt(todo, "/layouts/0");
    expect(layout0).toHaveLength(2);
    expect(layout0.map((r) => r.message).join(" ")).toContain("responsive");
    expect(layout0.map((r) => r.message).join(" ")).toContain("sortable");
  });
});

describe("flows become xflows", () => {
  const automation = flow(todo.model, "task_status_automation")!;
  const now = Date.now();

  test("the status automation is a beforeUpdate flow of script nodes", () => {
    expect(automation.trigger).toEqual({ type: "entity", entity: "task", event: "beforeUpdate" });
    expect(automation.nodes.map((n) => [n.id, n.type])).toEqual([
      ["start", "start"],
      ["auto_complete_timestamp", "script"],
      ["clear_complete_timestamp", "script"],
      ["end", "end"],
    ]);
    expect(automation.nodes[1]).toMatchObject({ retry: { attempts: 2, backoffMs: 5000 } });
    expect(reportAt(todo, "/flows/0/trigger")[0]?.message).toContain("before");
  });

  test("completing a task stamps completed_at", async () => {
    const out = await runFlow(automation, {
      entity: "task",
      event: "beforeUpdate",
      id: "t1",
      data: { status: "Done" },
      previous: { title: "x", status: "Todo" },
    });
    expect(out.data.status).toBe("Done");
    expect(Date.parse(out.data.completed_at)).toBeGreaterThanOrEqual(now - 1000);
  });

  test("an existing completed_at is kept, and reopening a task clears it", async () => {
    const kept = await runFlow(automation, { data: { status: "Done" }, previous: { status: "Done", completed_at: "2024-01-19T15:30:00.000Z" } });
    expect(kept.data).toEqual({ status: "Done" });
    const reopened = await runFlow(automation, { data: { status: "Todo" }, previous: { status: "Done", completed_at: "2024-01-19T15:30:00.000Z" } });
    expect(reopened.data).toEqual({ status: "Todo", completed_at: null });
  });

  test("status transition rules become a script that rejects other changes", async () => {
    const check = flow(orders.model, "order_status_validation")!;
    expect(check.trigger).toEqual({ type: "entity", entity: "order", event: "beforeUpdate" });
    const ok = await runFlow(check, { data: { status: "Pending" }, previous: { status: "Draft" } });
    expect(ok.data.status).toBe("Pending");
    await expect(runFlow(check, { data: { status: "Pending" }, previous: { status: "Delivered" } })).rejects.toThrow(
      "status cannot change from Delivered to Pending",
    );
    await runFlow(check, { data: { notes: "x" }, previous: { status: "Delivered" } }); // no status change: allowed
  });

  test("notification flows and their steps are dropped and named in the report", () => {
    expect(flow(todo.model, "overdue_task_notification")).toBeUndefined();
    expect(reportAt(todo, "/flows/1")[0]?.message).toContain("overdue_task_notification dropped");
    expect(reportAt(todo, "/flows/1/steps/0")[0]?.message).toContain("send_overdue_alerts");
    expect(flow(orders.model, "order_confirmation_email")).toBeUndefined();
    expect(reportAt(orders, "/flows/1/steps/0")[0]?.severity).toBe("dropped");
  });
});

describe("sample data", () => {
  const count = (c: LegacyConversion, e: string) => c.samples.filter((s) => s.entity === e).length;

  test("one row per legacy record, referenced entity types first", () => {
    for (const [doc, c] of [
      [todoDoc, todo],
      [orderDoc, orders],
    ] as const)
      for (const [name, records] of Object.entries(doc.sample_data as Record<string, unknown[]>)) expect(count(c, name)).toBe(records.length);
    const order = [...new Set(todo.samples.map((s) => s.entity))];
    expect(order.indexOf("task")).toBeGreaterThan(order.indexOf("project"));
    expect(order.indexOf("task")).toBeGreaterThan(order.indexOf("category"));
    expect([...new Set(orders.samples.map((s) => s.entity))]).toEqual(["customer", "order"]);
  });

  test("references hold the legacy id of the target as a string; the record id becomes legacyId", () => {
    const first = todo.samples.find((s) => s.entity === "task" && s.legacyId === "1")!;
    expect(first.data).toMatchObject({ project_id: "1", category_id: "2", status: "Done", completed_at: "2024-01-19T15:30:00.000Z" });
    expect(first.data.id).toBeUndefined();
    expect(orders.samples.find((s) => s.legacyId === "1003")?.data.customer_id).toBe("3");
  });

  test("values are coerced to the field types, and values the model refuses are reported", () => {
    for (const c of [todo, orders])
      for (const s of c.samples)
        for (const [k, v] of Object.entries(s.data)) {
          const f = field(c.model, s.entity, k)!;
          expect(f).toBeDefined();
          if (f.type === "datetime") expect(v).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        }
    // Task 6 has priority "Critical", which only projects allow.
    expect(todo.samples.find((s) => s.entity === "task" && s.legacyId === "6")?.data.priority).toBeUndefined();
    expect(reportAt(todo, "/sample_data/task/5/priority")[0]?.message).toContain("Critical");
  });
});

describe("flawed and unusable input", () => {
  test("garbage is refused with a clear validation error", () => {
    for (const [doc, words] of [
      ["a string", "JSON object"],
      [null, "JSON object"],
      [[1, 2], "JSON object"],
      [{}, "entities"],
      [{ name: "x", entities: "no" }, "entities"],
    ] as const) {
      let err: unknown;
      try {
        convertLegacyModel(doc);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TorqueError);
      expect((err as TorqueError).code).toBe("validation");
      expect((err as TorqueError).message).toContain(words);
    }
  });

  test("harmless flaws are tolerated and the rest is reported", () => {
    const doc = {
      name: "Shop",
      entities: [
        {
          name: "OrderItem",
          display_name: "Order item",
          fields: [
            { name: "Item Name", field_type: { type: "String" }, required: true, validation: [{ type: "MinLength", value: 3, message: "too short" }] },
            { name: "qty", field_type: { type: "Integer", min: 10, max: 1 }, default_value: "seven" },
            { name: "when", field_type: { type: "Time" } },
            { name: "tags", field_type: { type: "Array", element_type: { type: "Enum", values: ["a", "b"] } } },
            { name: "odd", field_type: { type: "constructor" } }, // must not find Object.prototype members
          ],
        },
      ],
      layouts: [
        {
          name: "items",
          components: [
            {
              type: "TorqueButton",
              position: { row: 0, col: 10, width: 6, height: 1 },
              props: { label: "Go", action: "navigate", navigationConfig: { route: "/nowhere" } },
            },
            { type: "KPI", position: { row: 1, column: 0, width: 3, height: 1 }, properties: { entity: "OrderItem", title: "Items", aggregate: "count" } },
            { type: "Carousel", position: { row: 2, column: 0, width: 3, height: 1 } },
            { type: "DataGrid", properties: { entity: "order_item", columns: ["Item Name", "ghost"] } },
          ],
        },
      ],
      flows: [
        {
          name: "stamp",
          trigger: { type: "EntityEvent", config: { entity: "OrderItem", event: "BeforeCreate" } },
          steps: [{ name: "s", type: "DataUpdate", condition: "qty > 5 and not (tags == null)", configuration: { update_fields: { when: "noon" } } }],
        },
      ],
    };
    expect(isLegacyModel(doc)).toBe(true);
    const c = convertLegacyModel(doc);
    expect(validateModel(c.model)).toEqual([]);
    const e = c.model.entities[0]!;
    expect(e.name).toBe("order_item");
    expect(e.fields.map((f) => [f.name, f.type])).toEqual([
      ["item_name", "text"],
      ["qty", "integer"],
      ["when", "text"],
      ["tags", "multienum"],
      ["odd", "json"],
    ]);
    expect(e.fields[0]).toMatchObject({ minLength: 3, required: true });
    expect(e.fields[1]!.default).toBeUndefined();
    const [button, kpi, grid] = c.model.pages![0]!.components;
    expect(button).toMatchObject({ id: "button_0", position: { col: 10, width: 2 } });
    expect(button!.props?.action).toBeUndefined();
    expect(kpi).toMatchObject({ type: "Kpi", props: { entity: "order_item", label: "Items", aggregate: "count" } });
    expect(grid).toMatchObject({ position: { row: 2, col: 0, width: 12 }, props: { columns: ["item_name"] } });
    const script = String((c.model.xflows![0]!.nodes[1] as { code?: unknown }).code);
    expect(script).toContain("record.qty > 5 && !(record.tags == null)");
    const messages = c.report.map((r) => `${r.path} ${r.message}`).join("\n");
    for (const expected of [
      "/entities/0/name",
      "/entities/0/fields/0/name",
      "/entities/0/fields/1/default_value",
      "/entities/0/fields/2/field_type/type",
      "/layouts/0/components/0/position",
      "/layouts/0/components/0/props/action",
      "/layouts/0/components/2",
      "/layouts/0/components/3/properties/columns/1",
    ])
      expect(messages).toContain(expected);
  });

  test("isLegacyModel tells the legacy format from the canonical one", async () => {
    expect(isLegacyModel(todoDoc)).toBe(true);
    expect(isLegacyModel(orderDoc)).toBe(true);
    for (const t of ["todo", "crm", "blank"]) expect(isLegacyModel(await readJson(new URL(`../templates/${t}.json`, import.meta.url)))).toBe(false);
    expect(isLegacyModel("todo")).toBe(false);
    expect(isLegacyModel({})).toBe(false);
  });
});
