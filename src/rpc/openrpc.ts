// The OpenRPC description of the JSON-RPC API, generated from the method table (published
// as schema/openrpc.json; a test keeps the file in step with the code).

import type { TObject } from "@sinclair/typebox";
import { VERSION } from "../version";
import { methods } from "./methods";
import { APP_ERROR_CODES } from "./protocol";

const plain = (s: unknown) => JSON.parse(JSON.stringify(s));

export function openRpcDocument(extra: Record<string, { summary: string; params: TObject }> = {}): Record<string, unknown> {
  const all = { ...methods, ...extra };
  return {
    openrpc: "1.3.2",
    info: {
      title: "Torque app API",
      version: VERSION,
      description:
        "JSON-RPC 2.0 at POST /rpc and over /ws (subscribe/unsubscribe only on /ws). Params are named. Application errors: " +
        Object.entries(APP_ERROR_CODES)
          .map(([k, v]) => `${v} ${k}`)
          .join(", ") +
        "; validation errors carry data: [{field, rule, message}].",
    },
    methods: Object.entries(all).map(([name, m]) => {
      const params = m.params.properties as Record<string, unknown>;
      const required = new Set((m.params as TObject).required ?? []);
      return {
        name,
        summary: m.summary,
        paramStructure: "by-name",
        params: Object.entries(params).map(([p, schema]) => ({ name: p, required: required.has(p), schema: plain(schema) })),
        result: { name: "result", schema: {} },
      };
    }),
  };
}
