// Every field type, by name. Adding a type = one file + one line here; the conformance
// test (fields.test.ts) runs over everything registered.
import type { FieldType } from "../schema";
import type { FieldKind } from "./kind";
import { text } from "./text";
import { longtext } from "./longtext";
import { integer } from "./integer";
import { number } from "./number";
import { boolean } from "./boolean";
import { date } from "./date";
import { datetime } from "./datetime";
import { email } from "./email";
import { url } from "./url";
import { enumField } from "./enum";
import { multienum } from "./multienum";
import { json } from "./json";
import { reference } from "./reference";
import { file } from "./file";

export const fieldKinds: Record<FieldType, FieldKind> = {
  text, longtext, integer, number, boolean, date, datetime, email, url,
  enum: enumField, multienum, json, reference, file,
};

export type { FieldKind } from "./kind";
