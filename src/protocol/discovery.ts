// Discovery lock file: one per running hub, at ~/.shannon/ide/<pid>-<port>.json (or $SHANNON_IDE_DIR).
// Written by the hub, read by reporters started outside Shannon: Do. It is read from disk, so it is
// parsed like any other untrusted input.
import * as z from 'zod';
import { IsoTimestamp, PROTOCOL_VERSION } from './wire';

export const LockFile = z.object({
  port: z.number().int().min(1).max(65535),
  pid: z.number().int().positive(),
  token: z.string().min(1).max(200),
  url: z.string().regex(/^ws:\/\/127\.0\.0\.1:\d+\/?$/, 'a ws://127.0.0.1:<port> url'),
  workspaceFolders: z.array(z.string()),
  protocol: z.literal(PROTOCOL_VERSION),
  createdAt: IsoTimestamp,
  /** Present while this hub listens on the legacy port: other windows claim their runs here. */
  legacyPort: z.number().int().min(1).max(65535).optional(),
});
export type LockFile = z.infer<typeof LockFile>;
