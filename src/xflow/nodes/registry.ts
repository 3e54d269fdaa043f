// Every node type, by name: one file each. The conformance test runs over all of them.
// A Map, so a node type such as "constructor" or "__proto__" is simply unknown.
import type { FlowDef, NodeDef } from "../types";
import { condition } from "./condition";
import { delay } from "./delay";
import { end } from "./end";
import { entityQuery } from "./entity-query";
import { entityWrite } from "./entity-write";
import { error } from "./error";
import { http } from "./http";
import { join } from "./join";
import { followEdge, leadsOn, type NodeKind, type RegisteredKind } from "./kind";
import { log } from "./log";
import { parallel } from "./parallel";
import { script } from "./script";
import { start } from "./start";
import { subflow } from "./subflow";
import { transform } from "./transform";

const kinds = new Map<string, RegisteredKind>(
  [start, end, error, script, condition, transform, entityQuery, entityWrite, http, subflow, parallel, join, delay, log].map((k: NodeKind) => [
    k.type,
    { shape: leadsOn, next: followEdge, ...k },
  ]),
);

/** The kind of a node type, or undefined when there is no such type. */
export const nodeKind = (type: string): RegisteredKind | undefined => kinds.get(type);
/** Every node type's name, in registration order. */
export const nodeTypes: readonly string[] = [...kinds.keys()];

/** The node where a run begins (validation makes sure a flow has exactly one). */
export const startOf = (flow: FlowDef): NodeDef | undefined => flow.nodes.find((n) => kinds.get(n.type)?.startsRun) as NodeDef | undefined;

export type { NodeContext, NodeKind, NodeResult, RegisteredKind } from "./kind";
