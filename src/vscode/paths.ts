// Path comparison shared by the VS Code glue (no vscode import: plain Node paths).
import * as path from 'node:path';

/** Same folder, whatever trailing separators or `.` segments either path has (any case on Windows). */
export function sameFolder(a: string, b: string): boolean {
  const norm = (p: string) => (process.platform === 'win32' ? path.resolve(p).toLowerCase() : path.resolve(p));
  return norm(a) === norm(b);
}
