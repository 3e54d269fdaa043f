// Runs in a Worker: moves committed pages from the write-ahead log into the database file
// on its own connection and thread, so no write request ever pays for a checkpoint's
// copying and fsync (SQLite's automatic checkpoint is turned off on the writer).
import { Database } from "bun:sqlite";

declare const self: Worker;

let db: Database | undefined;
let timer: ReturnType<typeof setInterval> | undefined;

self.onmessage = (e: MessageEvent<{ path: string; intervalMs: number } | "stop">) => {
  if (e.data === "stop") {
    if (timer) clearInterval(timer);
    db?.close();
    postMessage("stopped");
    return;
  }
  db = new Database(e.data.path, { readwrite: true });
  db.exec("PRAGMA busy_timeout = 1000");
  timer = setInterval(() => {
    try {
      // PASSIVE never waits for readers or the writer; what it cannot copy now it copies next time.
      db!.exec("PRAGMA wal_checkpoint(PASSIVE)");
    } catch {
      // busy: try again at the next tick
    }
  }, e.data.intervalMs);
};
