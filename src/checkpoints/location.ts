// Where Shannon keeps checkpoints inside a project folder, and how their file names are formed.
import * as path from 'node:path';

/** Relative to the workspace folder; the CLI writes here and so do our safety checkpoints. */
export const CHECKPOINTS_DIR = '.shannon/checkpoints';
const CONTENTS_SUFFIX = '_contents.json';

export function checkpointsDir(folder: string): string {
  return path.join(folder, ...CHECKPOINTS_DIR.split('/'));
}

export function headerFilePath(folder: string, id: string): string {
  return path.join(checkpointsDir(folder), `${id}.json`);
}

export function contentsFilePath(folder: string, id: string): string {
  return path.join(checkpointsDir(folder), `${id}${CONTENTS_SUFFIX}`);
}

/**
 * The checkpoint id a directory entry stands for, or undefined when the entry is not a header.
 * A naive `*.json` glob also matches `<id>_contents.json`: those are bodies, not checkpoints.
 */
export function headerIdFromFileName(name: string): string | undefined {
  if (!name.endsWith('.json') || name.endsWith(CONTENTS_SUFFIX) || name.startsWith('.')) return undefined;
  const id = name.slice(0, -'.json'.length);
  return id.length > 0 ? id : undefined;
}

/** For a changed file under the checkpoints folder: the id whose header or body it is. */
export function checkpointIdFromAnyFileName(name: string): string | undefined {
  if (name.endsWith(CONTENTS_SUFFIX)) return name.slice(0, -CONTENTS_SUFFIX.length) || undefined;
  return headerIdFromFileName(name);
}
