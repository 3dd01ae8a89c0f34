import { access } from 'node:fs/promises';

/** Whether a path exists (run directories use marker files to tell finished stages). */
export const exists = async (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );
