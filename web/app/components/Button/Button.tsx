// PENDING: being built.
import type { ComponentProps } from "../contract";

export default function Button(props: ComponentProps) {
  return <div class="card">{props.c.type}</div>;
}
