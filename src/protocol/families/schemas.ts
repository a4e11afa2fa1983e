// The data schema of every kind the families define, gathered in one table. The hub side alone
// imports this (zod); tests check that it covers exactly the kinds of ./index.ts.
import { agentSchemas } from './agent.schema';
import { checkpointSchemas } from './checkpoint.schema';
import { controlSchemas } from './control.schema';
import { decisionSchemas } from './decision.schema';
import { executionSchemas } from './execution.schema';
import { fileSchemas } from './file.schema';
import { logSchemas } from './log.schema';
import { skillSchemas } from './skill.schema';
import { validationSchemas } from './validation.schema';

export const KIND_DATA_SCHEMAS = {
  ...executionSchemas,
  ...skillSchemas,
  ...checkpointSchemas,
  ...fileSchemas,
  ...validationSchemas,
  ...agentSchemas,
  ...logSchemas,
  ...decisionSchemas,
  ...controlSchemas,
} as const;

export * from './execution.schema';
export * from './skill.schema';
export * from './checkpoint.schema';
export * from './file.schema';
export * from './validation.schema';
export * from './agent.schema';
export * from './log.schema';
export * from './decision.schema';
export * from './control.schema';
