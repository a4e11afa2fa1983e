// `shannon-hub status`: which hub emit/run would use, why, and whether it answers a hello.
import { ExitCode, HELP, parseFlags } from './cli-args';
import { connectionError, describeSource, locateHub } from './cli-hub-connection';
import { probeHub } from './client';

export async function statusCommand(args: string[]): Promise<number> {
  const { values } = parseFlags('status', args, { json: { type: 'boolean' } });
  if (values.help) {
    process.stdout.write(`${HELP.status}\n`);
    return ExitCode.ok;
  }
  const location = locateHub();
  const source = describeSource(location);
  try {
    const welcome = await probeHub(location);
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({ url: location.url, source: location.source, lockFile: location.lockFile, answers: true, hubVersion: welcome.hub.version, protocol: welcome.protocol })}\n`,
      );
    } else {
      process.stdout.write(
        `hub:     ${location.url}\nsource:  ${source}\nanswers: yes (hub ${welcome.hub.version}, protocol ${welcome.protocol})\n`,
      );
    }
    return ExitCode.ok;
  } catch (error) {
    const failure = connectionError(error, location);
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({ url: location.url, source: location.source, lockFile: location.lockFile, answers: false, error: failure.message })}\n`,
      );
    } else {
      process.stdout.write(`hub:     ${location.url}\nsource:  ${source}\nanswers: no\n`);
    }
    throw failure;
  }
}
