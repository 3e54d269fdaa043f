// Request ids above 2^53 for the MCP transports. JSON-RPC allows any number as an id,
// but the SDK's schema takes a number id only when it is a safe integer (zod's int()),
// so 12345678901234567890 was refused (-32700 over HTTP, -32600 on stdio) and a double
// could not have answered it byte for byte anyway. Such an id is replaced by a token
// string before the SDK sees the message, and the token is put back as the id's own
// source text in what is sent (as rpc/protocol.ts does with JSON.rawJSON).

/** A number id that JSON.parse may have rounded (it is not a safe integer). */
const inexact = (m: unknown): boolean =>
  typeof m === "object" && m !== null && typeof (m as { id?: unknown }).id === "number" && !Number.isSafeInteger((m as { id: number }).id);

export class RawIds {
  private readonly prefix = `torque-raw-id-${crypto.randomUUID()}-`;
  private next = 0;
  /** Token → the id's source text. */
  private readonly sources = new Map<string, string>();

  /** Parse a message (or batch) as JSON; inexact number ids come back as tokens. Throws SyntaxError like JSON.parse. */
  parse(text: string): unknown {
    const msg: unknown = JSON.parse(text);
    if (!(Array.isArray(msg) ? msg.some(inexact) : inexact(msg))) return msg;
    const found = new Map<object, string>();
    const again: unknown = JSON.parse(text, function (this: object, key, value, context?: { source?: string }) {
      if (key === "id" && typeof value === "number" && context?.source !== undefined) found.set(this, context.source);
      return value;
    });
    for (const m of Array.isArray(again) ? again : [again]) {
      const source = inexact(m) ? found.get(m as object) : undefined;
      if (source === undefined) continue;
      const token = `${this.prefix}${this.next++}`;
      this.sources.set(token, source);
      (m as { id: unknown }).id = token;
    }
    return again;
  }

  /** Whether any token is waiting to be put back. */
  get pending(): boolean {
    return this.sources.size > 0;
  }

  /** The id to send for `id`: the source text of a token, else `id` itself. */
  restoreId(id: unknown): unknown {
    if (typeof id !== "string" || !id.startsWith(this.prefix)) return id;
    const source = this.sources.get(id);
    if (source === undefined) return id;
    this.sources.delete(id); // one answer per request
    return JSON.rawJSON(source);
  }

  /** Serialized messages with every token (a JSON string) replaced by its id's source text. */
  restoreText(text: string): string {
    if (!text.includes(this.prefix)) return text;
    for (const [token, source] of this.sources) text = text.replaceAll(`"${token}"`, source);
    return text;
  }

  /** A Response whose body (SSE events or JSON, written whole per chunk by the SDK) has the tokens replaced. */
  restoreResponse(res: Response): Response {
    if (!res.body || !this.pending) return res;
    const decoder = new TextDecoder();
    const encoder = new TextEncoder();
    const body = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform: (chunk, out) => out.enqueue(encoder.encode(this.restoreText(decoder.decode(chunk, { stream: true })))),
      }),
    );
    return new Response(body, { status: res.status, headers: res.headers });
  }
}
