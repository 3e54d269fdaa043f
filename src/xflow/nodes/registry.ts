// Every node type, by name: one file each. The conformance test runs over all of them.
import type { NodeKind } from "./kind";
import { start } from "./start";
import { end } from "./end";
import { error } from "./error";
import { script } from "./script";
import { condition } from "./condition";
import { transform } from "./transform";
import { entityQuery } from "./entity-query";
import { entityWrite } from "./entity-write";
import { http } from "./http";
import { subflow } from "./subflow";
import { parallel } from "./parallel";
import { join } from "./join";
import { delay } from "./delay";
import { log } from "./log";

export const nodeKinds: Record<string, NodeKind> = Object.fromEntries(
  [start, end, error, script, condition, transform, entityQuery, entityWrite, http, subflow, parallel, join, delay, log].map((k) => [k.type, k]),
);
export type { NodeKind, NodeContext, NodeResult } from "./kind";
