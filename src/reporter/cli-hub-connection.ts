// What emit, run and status share: find the hub (or fail with exit 3) and turn connection
// failures into exit code 4 with a message saying what to check.
import { CliError, ExitCode } from './cli-args';
import { HubConnectionError } from './client';
import { findHub, type HubLocation } from './discovery';

export function locateHub(): HubLocation {
  const found = findHub();
  if (!found.ok) throw new CliError(`no hub found: ${found.reason}`, ExitCode.noHub);
  return found.location;
}

export function describeSource(location: HubLocation): string {
  return location.source === 'env'
    ? 'environment (SHANNON_HUB_URL, SHANNON_HUB_TOKEN)'
    : `lock file ${location.lockFile} (workspace folder ${location.workspaceFolder})`;
}

export function connectionError(error: unknown, location: HubLocation): CliError {
  if (!(error instanceof HubConnectionError)) return new CliError((error as Error).message, ExitCode.failure);
  const hint =
    error.reason === 'refused'
      ? location.source === 'env'
        ? ' (SHANNON_HUB_TOKEN does not match this hub; was the VS Code window reloaded? open a new terminal)'
        : ''
      : '';
  return new CliError(`${error.message}${hint}`, ExitCode.connection);
}
