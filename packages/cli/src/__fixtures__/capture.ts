import type { ProgramIO } from '../program';

/** A `ProgramIO` that records what the program writes; `onLine` sees every stdout write (to abort on a line). */
export function capture(
  signal?: AbortSignal,
  onLine?: (line: string) => void,
): ProgramIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: {
      write: (text: string) => {
        out.push(text);
        onLine?.(text);
      },
    },
    stderr: { write: (text: string) => err.push(text) },
    ...(signal === undefined ? {} : { signal }),
  };
}
