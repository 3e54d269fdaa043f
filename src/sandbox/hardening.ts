// Runs once in every fresh QuickJS context before any user script. It
// - takes the one host function (__host) off the global object and keeps it in a closure;
// - returns { invoke, error } to the host (nothing is left on the global object): invoke
//   runs a script with a `ctx` made for that run alone, bound to the run's token, so a
//   ctx a script kept from an earlier run is refused by the host (see runner.ts);
// - freezes everything a script can reach, found by walking rather than by a list of
//   names: every own property (values and accessors) and prototype, transitively, from
//   the global object; then intrinsics that only instances lead to (iterator helpers,
//   Iterator.from wrappers, generator, regexp-string and map iterators, …) are found by
//   producing instances generically: every reachable function is called and constructed
//   with sample arguments, and every method and getter on a new instance's prototype chain
//   is called on it; each new object is frozen and walked before anything else runs, and
//   this repeats until nothing new turns up. A built-in a future QuickJS hides the same
//   way is caught without a change here. Everything is frozen before it is probed, so a
//   probe cannot change a built-in either.
// Contexts are reused for later runs of the same app; freezing is what makes that safe.
export const MAX_OUTPUT_CHARS = 4 * 1024 * 1024;

export const HARDEN_SOURCE = `
"use strict";
(() => {
  const host = globalThis.__host;
  let recipe = globalThis.__recipe; // from an earlier context of this QuickJS, if any
  delete globalThis.__host;
  delete globalThis.__recipe;
  const { apply, construct, getPrototypeOf, ownKeys, getOwnPropertyDescriptor } = Reflect;
  const { freeze, defineProperty } = Object;
  const stringify = JSON.stringify, parse = JSON.parse;

  // One ctx per run: every call carries the run's token, which the host checks.
  const makeCtx = (token) => {
    const call = async (op, args) => {
      const r = await host(token, op, stringify(args));
      return r === undefined ? undefined : parse(r);
    };
    const entities = freeze({
      query: (entity, options) => call("entities.query", [entity, options ?? {}]),
      get: (entity, id) => call("entities.get", [entity, id]),
      create: (entity, data) => call("entities.create", [entity, data]),
      update: (entity, id, data, options) => call("entities.update", [entity, id, data, options ?? {}]),
      delete: (entity, id) => call("entities.delete", [entity, id]),
    });
    return freeze({
      entities,
      fetch: (url, init) => call("fetch", [String(url), init ?? {}]),
      log: (...args) => { host(token, "log", stringify(args.map((a) => (typeof a === "string" ? a : stringify(a))))); },
      get run() { return parse(host(token, "meta", "[]")); },
    });
  };

  // A script's result crosses as JSON text, tagged "=" (JSON follows) or "!" (a message
  // saying why the result is not JSON: a function, symbol, BigInt or cyclic value).
  const MAX_OUTPUT_CHARS = ${MAX_OUTPUT_CHARS};
  const MUST = "; a script's result must be a JSON value (an object, array, string, number, boolean or null)";
  const result = (out) => {
    if (out === undefined) return "=null";
    const type = typeof out;
    if (type === "function" || type === "symbol") return "!the script returned a " + type + MUST;
    if (type === "bigint") return "!the script returned a BigInt (" + String(out) + "n)" + MUST + "; return it as a string or number";
    let text;
    try {
      text = stringify(out);
    } catch (e) {
      return "!the script returned a value that cannot be written as JSON (" + (e && e.message) + ")" + MUST + " without cycles or BigInts";
    }
    if (text === undefined) return "!the script returned a value that has no JSON form" + MUST;
    // Refused here, before megabytes of text are copied out of QuickJS.
    if (text.length > MAX_OUTPUT_CHARS) return "!the script returned " + text.length + " characters of JSON; at most " + MAX_OUTPUT_CHARS + " are allowed";
    return "=" + text;
  };
  const invoke = async (fn, inputJson, token) => result(await fn(parse(inputJson), makeCtx(token)));
  // How the host makes an error for a script: the constructor defines "message" on the
  // new object itself, which works after Error.prototype is frozen (assignment would not).
  const error = (message) => new Error(message);

  // The "override mistake": with prototypes frozen, ordinary code such as
  // \`this.name = "NotFound"\` in an Error subclass or \`o.toString = …\` would throw. As SES
  // does, these commonly overridden properties become accessors whose setter defines an
  // own property on the object assigned to (and refuses to change the prototype itself).
  const tame = (proto, keys) => {
    for (const key of keys) {
      const d = getOwnPropertyDescriptor(proto, key);
      if (!d || !("value" in d)) continue;
      const value = d.value;
      defineProperty(proto, key, {
        get() { return value; },
        set(v) {
          if (this === proto) throw new TypeError("Cannot assign to read only property '" + String(key) + "' of a built-in prototype");
          defineProperty(this, key, { value: v, writable: true, enumerable: true, configurable: true });
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

  // Built-ins are walked from the global object; "fresh" objects are what probing makes
  // (and what hangs off them). Every built-in function is called on the object it was
  // found on and constructed; of fresh objects, one of each kind (prototype) is probed.
  // How each object was first reached is noted, so that the way to every hidden built-in
  // can be replayed in the next context of the same QuickJS (a "recipe": ~40 steps
  // instead of ~5,000 probing calls).
  const seen = new Set();
  const how = new Map(); // object → step: ["g"] | ["v"|"get"|"set", from, key] | ["p", from] | ["s", seed] | ["c", fn, self, construct?, args]
  const builtins = []; // [function, the object it was found on]
  const fresh = [];
  const hidden = []; // built-ins that only instances lead to
  let walked = false;
  const reach = (root, isFresh, step) => {
    const stack = [[root, undefined, isFresh, step]];
    while (stack.length) {
      const [o, holder, made, st] = stack.pop();
      if ((typeof o !== "object" && typeof o !== "function") || o === null || seen.has(o)) continue;
      seen.add(o);
      how.set(o, st);
      try { freeze(o); } catch {} // a typed array with elements cannot be frozen; only probes make those
      if (made) fresh.push(o);
      else {
        if (walked) hidden.push(o);
        if (typeof o === "function") builtins.push([o, holder]);
      }
      for (const k of ownKeys(o)) {
        const d = getOwnPropertyDescriptor(o, k);
        if (!d) continue;
        if ("value" in d) stack.push([d.value, o, made, ["v", o, k]]);
        else stack.push([d.get, o, made, ["get", o, k]], [d.set, o, made, ["set", o, k]]);
      }
      stack.push([getPrototypeOf(o), undefined, false, ["p", o]]);
    }
  };
  reach(globalThis, false, ["g"]);
  walked = true;

  // Sample arguments: none, or one value that is at once a callback (returns its
  // argument), an iterable and an iterator that ends at once. Made fresh for every call.
  const sample = () => {
    const next = () => ({ done: true, value: undefined });
    const cb = function (v) { return v; };
    cb.next = next;
    cb[Symbol.iterator] = () => ({ next });
    return cb;
  };
  const argSets = () => [[], [sample()]];
  // Syntax makes some intrinsics that no global names: seeds for the search.
  const seeds = [
    function* () {}, async function () {}, async function* () {}, async () => {}, class {},
    (function () { return arguments; })(), /a/g,
  ];

  // A recipe: the steps to every hidden built-in, as JSON (objects by index, well-known
  // symbols by name). Replaying one that does not fit this QuickJS throws: then we search.
  const wellKnown = new Map(ownKeys(Symbol).filter((k) => typeof Symbol[k] === "symbol").map((k) => [Symbol[k], k]));
  const keyOut = (k) => {
    if (typeof k === "string") return k;
    if (!wellKnown.has(k)) throw new Error("no recipe: a property key is not a well-known symbol");
    return "@@" + wellKnown.get(k);
  };
  const keyIn = (k) => (k.startsWith("@@") ? Symbol[k.slice(2)] : k);
  const record = () => {
    const steps = [], index = new Map();
    const ref = (o) => {
      if (o === undefined) return -1;
      if (index.has(o)) return index.get(o);
      const st = how.get(o);
      const out = st[0] === "g" || st[0] === "s" ? st
        : st[0] === "p" ? ["p", ref(st[1])]
        : st[0] === "c" ? ["c", ref(st[1]), ref(st[2]), st[3], st[4]]
        : [st[0], ref(st[1]), keyOut(st[2])];
      index.set(o, steps.length);
      steps.push(out);
      return steps.length - 1;
    };
    for (const h of hidden) ref(h);
    return stringify(steps);
  };
  const replay = (text) => {
    const objs = [];
    for (const st of parse(text)) {
      const at = (i) => (i === -1 ? undefined : objs[i]);
      let o;
      switch (st[0]) {
        case "g": o = globalThis; break;
        case "s": o = seeds[st[1]]; break;
        case "p": o = getPrototypeOf(at(st[1])); break;
        case "v": o = getOwnPropertyDescriptor(at(st[1]), keyIn(st[2])).value; break;
        case "get": o = getOwnPropertyDescriptor(at(st[1]), keyIn(st[2])).get; break;
        case "set": o = getOwnPropertyDescriptor(at(st[1]), keyIn(st[2])).set; break;
        case "c": o = st[3] ? construct(at(st[1]), argSets()[st[4]]) : apply(at(st[1]), at(st[2]), argSets()[st[4]]); break;
        default: throw new Error("not a recipe");
      }
      if ((typeof o !== "object" && typeof o !== "function") || o === null) throw new Error("the recipe does not fit");
      objs.push(o);
    }
    for (const o of objs) reach(o, false, ["g"]);
  };

  const search = () => {
    let budget = 50000; // calls: a bound never reached on today's QuickJS (~5,000)
    const probe = (f, self, isNew) => {
      const sets = argSets();
      for (let i = 0; i < sets.length; i++) {
        if (--budget < 0) return;
        try { reach(isNew ? construct(f, sets[i]) : apply(f, self, sets[i]), true, ["c", f, self, isNew, i]); } catch {}
      }
    };
    seeds.forEach((s, i) => reach(s, true, ["s", i]));
    const probedKinds = new Set();
    for (let bi = 0, fi = 0; (bi < builtins.length || fi < fresh.length) && budget > 0; ) {
      while (bi < builtins.length && budget > 0) {
        const [f, holder] = builtins[bi++];
        probe(f, holder, false);
        probe(f, undefined, true);
      }
      while (fi < fresh.length && budget > 0) {
        const o = fresh[fi++];
        const proto = getPrototypeOf(o);
        if (probedKinds.has(proto)) continue; // one of each kind is enough
        probedKinds.add(proto);
        if (typeof o === "function") {
          probe(o, undefined, false);
          probe(o, undefined, true);
        }
        for (let p = proto; p !== null; p = getPrototypeOf(p))
          for (const k of ownKeys(p)) {
            const d = getOwnPropertyDescriptor(p, k);
            const m = d && ("value" in d ? d.value : d.get);
            if (typeof m === "function") probe(m, o, false);
          }
      }
    }
  };

  try {
    if (typeof recipe !== "string") throw new Error("no recipe yet");
    replay(recipe);
  } catch {
    search();
    try { recipe = record(); } catch { recipe = undefined; }
  }
  return freeze({ invoke, error, recipe });
})();
`;
