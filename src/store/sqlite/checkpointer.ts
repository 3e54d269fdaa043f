// A worker thread that moves committed pages from the write-ahead log into the database
// file on its own connection, so no write request ever pays for a checkpoint's copying and
// fsync (SQLite's automatic checkpoint is off on the writer). The worker's code is a
// string started from a Blob: that works the same from source and inside the compiled
// binary, where a worker file would need its own entry point and path.

const WORKER_SOURCE = `
import { Database } from "bun:sqlite";
let db, timer;
self.onmessage = (e) => {
  if (e.data === "stop") {
    clearInterval(timer);
    db?.close();
    postMessage("stopped");
    return;
  }
  db = new Database(e.data.path, { readwrite: true });
  db.exec("PRAGMA busy_timeout = 1000");
  timer = setInterval(() => {
    // PASSIVE never waits for readers or the writer; what it cannot copy now, it copies next time.
    try { db.exec("PRAGMA wal_checkpoint(PASSIVE)"); } catch {}
  }, e.data.intervalMs);
};
`;

let url: string | undefined;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(path: string, intervalMs = 100): Checkpointer {
  url ??= URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "application/javascript" }));
  const worker = new Worker(url);
  worker.onerror = (e) => console.error(`torque: checkpointer stopped (${e.message}); the log is folded in at close`);
  worker.postMessage({ path, intervalMs });
  (worker as Worker & { unref(): void }).unref(); // never keeps the process alive
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        const done = setTimeout(finish, 1000); // a stuck worker must not hold up shutdown
        function finish() {
          clearTimeout(done);
          worker.terminate();
          resolve();
        }
        worker.onmessage = finish;
        worker.postMessage("stop");
      }),
  };
}
