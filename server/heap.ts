/**
 * The server's V8 heap limit (decision 080). Without one, V8 sizes the heap from the machine's
 * memory (about 4 GB on 24 GiB) and lets it grow lazily under load: the national bench saw 2 GB
 * RSS for about 60 MB of live data. The limit is what the largest legitimate request needs with
 * room to spare: a 100,000-row XLSX import (the row cap), read whole by ExcelJS, runs out of heap
 * at 384 MB and peaks at about 800 MB RSS with 768 MB.
 */
export const SERVER_HEAP_MB = 1024;
export const SERVER_HEAP_FLAG = `--max-old-space-size=${SERVER_HEAP_MB}`;

/** Whether node was started with a heap limit of its own (a flag, or NODE_OPTIONS): that one is kept. */
export function hasHeapLimit(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? "") {
  return [...execArgv, nodeOptions].some((arg) => arg.includes("--max-old-space-size"));
}
