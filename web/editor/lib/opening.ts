// The model a workspace opens with, asked for as soon as the editor starts on a model's
// address: the request runs while the workspace's and the view's scripts are still
// loading, instead of after them (about 300 ms sooner on a cold open). Home's chunk holds
// it, so it costs nothing to load; the workspace takes the answer once.
import type { Model } from "../../../src/model/schema";
import { gql, SignInRequired } from "./graphql";

export type Opened = { id: string; version: number; document: Model; apps: { slug: string }[] } | null;

const QUERY = "query ($id: ID!) { model(id: $id) { id version document apps { slug } } }";
const early = new Map<string, Promise<Opened>>();

const ask = (id: string) => gql<{ model: Opened }>(QUERY, { id }).then((d) => d.model);

/** Start asking for the model named by the address, if it names one (the editor's entry calls it). */
export function openEarly(path = location.pathname): void {
  const m = /^\/editor\/models\/([^/]+)/.exec(path);
  if (!m) return;
  const id = decodeURIComponent(m[1]!);
  const p = ask(id);
  p.catch(() => {}); // told when taken
  early.set(id, p);
}

/** The model with its apps: the early answer when there is one for this id (taken once), else asked now (also when the early one found no session: asked again once signed in). */
export function openedModel(id: string): Promise<Opened> {
  const p = early.get(id);
  early.delete(id);
  return p ? p.catch((e) => (e instanceof SignInRequired ? ask(id) : Promise.reject(e))) : ask(id);
}
