// Runs once in every fresh QuickJS context before any user script: builds the `ctx`
// object scripts receive (over one host function, __host) and then freezes every
// intrinsic and the global object, so a script can leave nothing behind for the next
// run to find (no new globals, no patched prototypes) when a context is reused.
export const HARDEN_SOURCE = `
"use strict";
(() => {
  const host = globalThis.__host;
  delete globalThis.__host;
  const call = async (op, args) => {
    const r = await host(op, JSON.stringify(args));
    return r === undefined ? undefined : JSON.parse(r);
  };
  const entities = Object.freeze({
    query: (entity, options) => call("entities.query", [entity, options ?? {}]),
    get: (entity, id) => call("entities.get", [entity, id]),
    create: (entity, data) => call("entities.create", [entity, data]),
    update: (entity, id, data, options) => call("entities.update", [entity, id, data, options ?? {}]),
    delete: (entity, id) => call("entities.delete", [entity, id]),
  });
  const ctx = Object.freeze({
    entities,
    fetch: (url, init) => call("fetch", [String(url), init ?? {}]),
    log: (...args) => { host("log", JSON.stringify(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))))); },
    get run() { return JSON.parse(host("meta", "[]")); },
  });
  // The trampoline every run goes through: input and output cross as JSON text.
  const invoke = async (fn, inputJson) => {
    const out = await fn(JSON.parse(inputJson), ctx);
    return out === undefined ? "null" : JSON.stringify(out);
  };
  Object.defineProperty(globalThis, "__invoke", { value: invoke });
  // How the host makes an error for a script: the constructor defines "message" on the
  // new object itself, which works after Error.prototype is frozen (assignment would not).
  Object.defineProperty(globalThis, "__error", { value: (message) => new Error(message) });
  // The "override mistake": with prototypes frozen, ordinary code such as
  // \`this.name = "NotFound"\` in an Error subclass or \`o.toString = …\` would throw. As SES
  // does, these commonly overridden properties become accessors whose setter defines an
  // own property on the object assigned to (and refuses to change the prototype itself).
  const tame = (proto, keys) => {
    for (const key of keys) {
      const d = Object.getOwnPropertyDescriptor(proto, key);
      if (!d || !("value" in d)) continue;
      const value = d.value;
      Object.defineProperty(proto, key, {
        get() { return value; },
        set(v) {
          if (this === proto) throw new TypeError("Cannot assign to read only property '" + String(key) + "' of a built-in prototype");
          Object.defineProperty(this, key, { value: v, writable: true, enumerable: true, configurable: true });
        },
        enumerable: d.enumerable,
        configurable: false,
      });
    }
  };
  tame(Object.prototype, ["constructor", "toString", "toLocaleString", "valueOf", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable"]);
  tame(Function.prototype, ["constructor", "toString", "name"]);
  for (const E of [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError])
    tame(E.prototype, ["constructor", "name", "message", "toString"]);
  const seen = new Set();
  const freeze = (o) => {
    if ((typeof o !== "object" && typeof o !== "function") || o === null || seen.has(o)) return;
    seen.add(o);
    Object.freeze(o);
    for (const k of Reflect.ownKeys(o)) {
      const d = Object.getOwnPropertyDescriptor(o, k);
      if (!d) continue;
      if ("value" in d) freeze(d.value);
      else { freeze(d.get); freeze(d.set); }
    }
    freeze(Object.getPrototypeOf(o));
  };
  freeze(globalThis);
  // Built-ins no global names (iterator and generator prototypes) are frozen too: patched,
  // they would let one run watch or act inside the next.
  const hidden = [
    Object.getPrototypeOf([][Symbol.iterator]()),
    Object.getPrototypeOf(new Map()[Symbol.iterator]()),
    Object.getPrototypeOf(new Set()[Symbol.iterator]()),
    Object.getPrototypeOf(""[Symbol.iterator]()),
    Object.getPrototypeOf(/x/g[Symbol.matchAll]("")),
    Object.getPrototypeOf(function* () {}),
    Object.getPrototypeOf(async function () {}),
    Object.getPrototypeOf(async function* () {}),
    Object.getPrototypeOf(Int8Array),
    Object.getPrototypeOf((function* () {})()),
    Object.getPrototypeOf((async function* () {})()),
  ];
  for (const h of hidden) freeze(h);
})();
`;
