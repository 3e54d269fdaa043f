// Component types by name. Each lives in its own folder under components/ and follows the
// contract in contract.ts. Heavy ones are lazy: their code loads only on pages that use
// them (the Chart's library, the import wizard).
import { type Component, lazy } from "solid-js";
import Button from "./Button/Button";
import Container from "./Container/Container";
import type { ComponentProps } from "./contract";
import DataGrid from "./DataGrid/DataGrid";
import DetailView from "./DetailView/DetailView";
import Form from "./Form/Form";
import Kpi from "./Kpi/Kpi";
import Modal from "./Modal/Modal";
import Text from "./Text/Text";

export const registry: Record<string, Component<ComponentProps>> = {
  DataGrid,
  Form,
  Button,
  Text,
  Container,
  Modal,
  DetailView,
  Kpi,
  Chart: lazy(() => import("./Chart/Chart")),
  ImportWizard: lazy(() => import("./ImportWizard/ImportWizard")),
};

export function componentFor(type: string): Component<ComponentProps> | undefined {
  return Object.hasOwn(registry, type) ? registry[type] : undefined;
}
