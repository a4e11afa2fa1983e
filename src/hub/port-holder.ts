// Which program listens on a TCP port, where the operating system tells without extra tools. On
// Linux, /proc/net/tcp and /proc/net/tcp6 list listening sockets with their inode, and the
// process holding one has a /proc/<pid>/fd entry pointing at `socket:[inode]` (readable for our
// own processes). Elsewhere, or for another user's process, the answer is "unknown". This only
// reads: nothing is ever signalled or killed.
import { readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

export interface PortHolderInfo {
  pid: number;
  /** The command line, arguments separated by spaces, at most MAX_COMMAND_CHARS long. */
  command: string;
}

const MAX_COMMAND_CHARS = 300;
const TCP_LISTEN = '0A';

/** The inodes of sockets listening on `port` (any local address), from one /proc/net/tcp* file. */
export function listeningInodes(table: string, port: number): string[] {
  const inodes: string[] = [];
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10) continue;
    const [, local, , state, , , , , , inode] = fields;
    const localPort = Number.parseInt(local?.split(':').pop() ?? '', 16);
    if (state === TCP_LISTEN && localPort === port && inode && inode !== '0') inodes.push(inode);
  }
  return inodes;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A printable, bounded command line from /proc/<pid>/cmdline (NUL-separated arguments). */
export function commandLineText(raw: string): string {
  const text = raw
    .split('\0')
    .filter((part) => part.length > 0)
    .join(' ')
    .replace(/[\u0000-\u001f\u007f]/g, ' ');
  return text.length > MAX_COMMAND_CHARS ? `${text.slice(0, MAX_COMMAND_CHARS)}...` : text;
}

/**
 * The process listening on 127.0.0.1:`port` (or on all addresses), or undefined when the system
 * does not say (not Linux, another user's process, or nobody listens).
 */
export async function findPortHolder(port: number, procRoot = '/proc'): Promise<PortHolderInfo | undefined> {
  if (process.platform !== 'linux' && procRoot === '/proc') return undefined;
  const inodes = new Set<string>();
  for (const table of ['tcp', 'tcp6']) {
    const text = await readText(join(procRoot, 'net', table));
    if (text) for (const inode of listeningInodes(text, port)) inodes.add(inode);
  }
  if (inodes.size === 0) return undefined;
  const targets = new Set([...inodes].map((inode) => `socket:[${inode}]`));

  let pids: string[];
  try {
    pids = (await readdir(procRoot)).filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await readdir(join(procRoot, pid, 'fd'));
    } catch {
      continue; // another user's process, or gone
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = await readlink(join(procRoot, pid, 'fd', fd));
      } catch {
        continue;
      }
      if (!targets.has(target)) continue;
      const command = commandLineText((await readText(join(procRoot, pid, 'cmdline'))) ?? '');
      return { pid: Number(pid), command };
    }
  }
  return undefined;
}
