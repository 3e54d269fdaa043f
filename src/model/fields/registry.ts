// Every field type, by name. Adding a type = one file + one line here; the conformance
// test (fields.test.ts) runs over everything registered.
import type { FieldType } from "../schema";
import { boolean } from "./boolean";
import { date } from "./date";
import { datetime } from "./datetime";
import { email } from "./email";
import { enumField } from "./enum";
import { file } from "./file";
import { integer } from "./integer";
import { json } from "./json";
import type { FieldKind } from "./kind";
import { longtext } from "./longtext";
import { multienum } from "./multienum";
import { number } from "./number";
import { reference } from "./reference";
import { text } from "./text";
import { url } from "./url";

export const fieldKinds: Record<FieldType, FieldKind> = {
  text,
  longtext,
  integer,
  number,
  boolean,
  date,
  datetime,
  email,
  url,
  enum: enumField,
  multienum,
  json,
  reference,
  file,
};

export type { FieldKind } from "./kind";
