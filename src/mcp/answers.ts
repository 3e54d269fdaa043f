// Bounded answers for MCP, as for JSON-RPC (rpc/protocol.ts): no answer is sent past the
// byte budget, and a batch over HTTP runs its members one at a time, yielding to the
// event loop between them, within a time and byte budget. The SDK's transport hands every
// member of a batch to the server at once, so a batch of 100 large queries (the SDK's
// maximum) ran back to back on the server's one thread and built one huge answer.
import type { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { isJSONRPCRequest, type JSONRPCMessage, JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";
import { type AnswerBudget, answerTooLarge, batchSpent, type Id, notRun, overBudget, type RpcResponse, yieldToEventLoop } from "../rpc/protocol";

/** The SDK's own bound on a batch (it refuses larger ones itself). */
const SDK_MAX_BATCH = 100;

const isAnswer = (m: JSONRPCMessage): m is JSONRPCMessage & { id: Id } => "id" in m && ("result" in m || "error" in m);

/**
 * Wrap the transport's send (after `server.connect(transport)`): an answer over `limit`
 * bytes is replaced by an "answer too large" error for the same id; `restoreId` (stdio)
 * puts back an id the transport must not route by.
 */
export function capAnswers(transport: Transport, limit: number, restoreId?: (id: unknown) => unknown): void {
  const inner = transport.send.bind(transport);
  transport.send = (message, options) => {
    if (!isAnswer(message)) return inner(message, options);
    let answer: JSONRPCMessage = message;
    if ("result" in message) {
      const text = JSON.stringify(message);
      if (overBudget(text, limit)) answer = answerTooLarge(message.id, text, limit, false) as JSONRPCMessage;
    }
    if (restoreId) answer = { ...answer, id: restoreId(message.id) } as JSONRPCMessage;
    return inner(answer, options);
  };
}

/** Whether a POST body is a batch this module runs member by member (anything else goes to the SDK as it is). */
export function isPacedBatch(body: unknown): body is JSONRPCMessage[] {
  return (
    Array.isArray(body) &&
    body.length > 1 &&
    body.length <= SDK_MAX_BATCH &&
    body.some((m) => isJSONRPCRequest(m)) &&
    body.every((m) => JSONRPCMessageSchema.safeParse(m).success)
  );
}

/** The JSON-RPC error of a transport's refusal, or one saying what the HTTP status was. */
function refusal(text: string, status: number): unknown {
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error;
    if (error) return error;
  } catch {}
  return { code: -32600, message: `refused with HTTP status ${status}` };
}

const event = (m: RpcResponse | unknown) => `event: message\ndata: ${JSON.stringify(m)}\n\n`;

/**
 * A batch, one member at a time through the session's transport (each answer read whole
 * from its own event stream), answered as one event stream. Once the time or bytes are
 * spent, requests left are answered "not run" (safe to send again); notifications are
 * still delivered (they cost nothing here, and dropping `initialized` would break the session).
 */
export async function runBatch(
  transport: WebStandardStreamableHTTPServerTransport,
  req: Request,
  batch: JSONRPCMessage[],
  budget: AnswerBudget,
): Promise<Response> {
  const started = performance.now();
  const events: string[] = [];
  let bytes = 0;
  let spent: string | undefined;
  for (const [i, m] of batch.entries()) {
    if (i > 0) await yieldToEventLoop();
    const id = isJSONRPCRequest(m) ? m.id : undefined;
    if (id !== undefined && !spent && performance.now() - started > budget.batchMs) spent = batchSpent.time(budget.batchMs);
    if (id !== undefined && spent) {
      events.push(event(notRun(id, spent)));
      continue;
    }
    const res = await transport.handleRequest(req, { parsedBody: m });
    let text = await res.text();
    // A refusal by the transport (a JSON body, not an event stream) answers this member only.
    if (res.status >= 400 && id !== undefined) text = event({ jsonrpc: "2.0", id, error: refusal(text, res.status) });
    if (!text || id === undefined) continue;
    if (overBudget(text, budget.answerBytes - bytes)) {
      text = event(answerTooLarge(id, text, budget.answerBytes, true));
      spent = batchSpent.bytes(budget.answerBytes);
    }
    events.push(text);
    bytes += Buffer.byteLength(text);
  }
  const headers: Record<string, string> = { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform" };
  if (transport.sessionId) headers["mcp-session-id"] = transport.sessionId;
  return new Response(events.join(""), { status: 200, headers });
}
