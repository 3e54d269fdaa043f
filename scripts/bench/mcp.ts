// MCP over stdio from the compiled binary: spawn to initialized, and tool-call latency.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { latency, record } from "./report";

export async function benchMcp(bin: string, dbPath: string): Promise<void> {
  const spawn = async (args: string[]) => {
    const client = new Client({ name: "bench", version: "1" });
    const t0 = performance.now();
    await client.connect(new StdioClientTransport({ command: bin, args: ["mcp", "--db", dbPath, ...args], stderr: "inherit" }));
    return { client, ms: performance.now() - t0 };
  };
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const { client, ms } = await spawn([]);
    times.push(ms);
    await client.close();
  }
  times.sort((a, b) => a - b);
  record({ name: "torque mcp: spawn to initialized (median, binary)", value: times[2]!, unit: "ms", target: { op: "<", value: 150 } });

  const { client } = await spawn(["--app", "todo"]);
  try {
    const parse = (r: unknown) => JSON.parse((r as { content: { text: string }[] }).content[0]!.text);
    const page = parse(await client.callTool({ name: "query_entities", arguments: { app: "todo", entity: "task", limit: 200 } }));
    const ids: string[] = page.data.map((t: { id: string }) => t.id);
    const get = await latency(2000, (i) => client.callTool({ name: "get_entity", arguments: { app: "todo", entity: "task", id: ids[i % ids.length] } }));
    record({ name: "MCP get_entity over stdio, p50", value: get.p50, unit: "ms", target: { op: "<", value: 2 } });
    record({ name: "MCP get_entity over stdio, p99", value: get.p99, unit: "ms" });
    const statuses = ["open", "doing", "done"];
    const query = await latency(500, (i) =>
      client.callTool({ name: "task_query", arguments: { filter: { status: statuses[i % 3] }, sort: [{ field: "due", dir: "asc" }], limit: 20 } }),
    );
    record({ name: "MCP task_query (filter+sort, 20 rows of 1M), p50", value: query.p50, unit: "ms" });
  } finally {
    await client.close();
  }
}
