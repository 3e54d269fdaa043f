// Save a JSON value as a file the browser downloads.
export function downloadJson(value: unknown, fileName: string): void {
  const url = URL.createObjectURL(new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: "application/json" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  a.click();
  // The click has started the download; the object URL is not needed after this task.
  setTimeout(() => URL.revokeObjectURL(url));
}

/** A file name from a model name: characters file systems refuse become "-". */
export const jsonFileName = (name: string) => `${name.replace(/[\\/:*?"<>|]+/g, "-").trim() || "model"}.json`;
