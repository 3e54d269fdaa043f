// The model format's fixed words (the name pattern, the field and component types), apart
// from the TypeBox schema: the Model Editor's browser code uses them without loading TypeBox.
export const NAME_PATTERN = "^[a-z][a-z0-9_]*$";
export const FIELD_TYPES = [
  "text",
  "longtext",
  "integer",
  "number",
  "boolean",
  "date",
  "datetime",
  "email",
  "url",
  "enum",
  "multienum",
  "json",
  "reference",
  "file",
] as const;
export const COMPONENT_TYPES = ["DataGrid", "Form", "Button", "Text", "Container", "Modal", "Chart", "Kpi", "DetailView", "ImportWizard"] as const;
