// Component types by name. Each lives in its own folder under components/ and follows the
// contract in contract.ts. The small, common ones are in the first script; the larger ones
// (Form, DetailView, Chart, ImportWizard) are chunks of their own that load when a page
// shows one, so a page pays only for the component types it uses. After a page is
// painted, the shell preloads the chunks of the types on it (a modal's form opens at once).
import { type Component, lazy } from "solid-js";
import Button from "./Button/Button";
import Container from "./Container/Container";
import type { ComponentProps } from "./contract";
import DataGrid from "./DataGrid/DataGrid";
import Kpi from "./Kpi/Kpi";
import Modal from "./Modal/Modal";
import Text from "./Text/Text";

type Loader = () => Promise<{ default: Component<ComponentProps> }>;
const chunks: Record<string, Loader> = {
  Form: () => import("./Form/Form"),
  DetailView: () => import("./DetailView/DetailView"),
  Chart: () => import("./Chart/Chart"),
  ImportWizard: () => import("./ImportWizard/ImportWizard"),
};

export const registry: Record<string, Component<ComponentProps>> = {
  DataGrid,
  Button,
  Text,
  Container,
  Modal,
  Kpi,
  ...Object.fromEntries(Object.entries(chunks).map(([type, load]) => [type, lazy(load)])),
};

export function componentFor(type: string): Component<ComponentProps> | undefined {
  return Object.hasOwn(registry, type) ? registry[type] : undefined;
}

/** Start loading the chunks of these component types (errors surface when one renders). */
export function preload(types: Iterable<string>): void {
  for (const t of new Set(types)) if (Object.hasOwn(chunks, t)) chunks[t]!().catch(() => {});
}
