// Expansion of the `shannon.cli.args` setting. Each template element becomes exactly one argument;
// variables are replaced in a single pass, so a task that itself contains `${sessionId}` stays literal.

export const DEFAULT_CLI_ARGS: readonly string[] = ['do', '${task}', '--dashboard', '--session-id', '${sessionId}'];

export interface TemplateVariables {
  task: string;
  sessionId: string;
  workspaceFolder: string;
}

export interface ExpandedArgs {
  args: string[];
  /** `${name}` placeholders we do not know: left as written, reported so the caller can warn. */
  unknownVariables: string[];
  /** False when no element mentions `${task}`: the CLI would never see what the user typed. */
  usesTask: boolean;
}

const PLACEHOLDER = /\$\{(\w+)\}/g;

export function expandArgs(template: readonly string[], variables: TemplateVariables): ExpandedArgs {
  const unknown = new Set<string>();
  let usesTask = false;
  const known: Record<string, string> = { ...variables };
  const args = template.map((element) =>
    element.replace(PLACEHOLDER, (whole, name: string) => {
      if (name === 'task') usesTask = true;
      if (Object.hasOwn(known, name)) return known[name];
      unknown.add(name);
      return whole;
    }),
  );
  return { args, unknownVariables: [...unknown], usesTask };
}
