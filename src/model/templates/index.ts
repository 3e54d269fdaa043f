// The models `torque init --template` starts a project with (bundled into the binary).

import blank from "./blank.json";
import crm from "./crm.json";
import todo from "./todo.json";

export const templates = { todo, crm, blank } as const;
export type TemplateName = keyof typeof templates;
export const TEMPLATE_NAMES = Object.keys(templates) as TemplateName[];
