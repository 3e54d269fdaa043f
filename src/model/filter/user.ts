// Row filters of permissions (model `permissions.<action>[].filter`): a filter in the
// filter language in which the text "$user" stands for the signed-in user's name, so one
// rule serves every user ({"owner": "$user"}: each sees their own records).

import { type Issue, TorqueError } from "../../lib/errors";
import { isPlainObject } from "../../lib/json";
import type { CompiledEntity } from "../compile";
import type { EntityType } from "../schema";
import type { FilterNode } from "./ast";
import { parseFilter } from "./parse";

export const USER_VARIABLE = "$user";

/** The filter with every value "$user" replaced by the user's name (keys are never replaced). */
export function withUser(filter: unknown, user: string): unknown {
  if (filter === USER_VARIABLE) return user;
  if (Array.isArray(filter)) return filter.map((v) => withUser(v, user));
  if (isPlainObject(filter)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(filter)) out[k] = withUser(v, user);
    return out;
  }
  return filter;
}

/** A stand-in compiled entity: what the filter parser reads of one (its name and fields). */
const bare = (e: EntityType): CompiledEntity => ({
  def: e,
  name: e.name,
  fields: new Map(e.fields.map((f) => [f.name, f])),
  unique: [],
  references: [],
  incoming: [],
  manyToMany: [],
});

/** Parse a row filter for one user; the issues name what is wrong (for the model validator). */
export function userFilter(e: EntityType | CompiledEntity, filter: unknown, user: string): { node?: FilterNode; issues: Issue[] } {
  try {
    return { node: parseFilter("def" in e ? e : bare(e), withUser(filter, user)), issues: [] };
  } catch (err) {
    if (err instanceof TorqueError && Array.isArray(err.data)) return { issues: err.data as Issue[] };
    throw err;
  }
}
