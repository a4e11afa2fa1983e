/** The `shannon.cli.path` setting for Shannon: Do; a demo wrapper is written into binDir when needed. */
export function demoCliSettings(binDir: string): Record<string, string>;
