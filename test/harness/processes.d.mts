// Types for processes.mjs.
import type { ChildProcess, SpawnOptions } from 'node:child_process';
export function spawnGroup(command: string, args: string[], options?: SpawnOptions): ChildProcess;
export function stopGroup(child: ChildProcess, graceMs?: number): Promise<void>;
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string | (() => string)): Promise<T>;
