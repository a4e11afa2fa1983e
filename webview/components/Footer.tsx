// Where reporters connect, how many are connected, and whether the legacy endpoint is up.
import type { HubStatus } from '../../src/protocol/session';
import { Icon } from './Icon';
import { memo } from '../memo';

/** The program or window holding the port, in a few words. */
function holderText(holder: HubStatus['legacy']['holder']): string {
  if (!holder) return 'another program';
  if (holder.workspaceFolders) {
    const folder = holder.workspaceFolders[0]?.split(/[\\/]/).pop();
    return `another window${folder ? ` (${folder})` : ''}`;
  }
  const program = holder.command ? holder.command.split(' ')[0]!.split('/').pop() : undefined;
  return `${program ?? 'a program'}${holder.pid ? ` (pid ${holder.pid})` : ''}`;
}

export function legacyText(legacy: HubStatus['legacy']): string {
  const withMessage = (text: string) => (legacy.message ? `${text}: ${legacy.message}` : text);
  switch (legacy.state) {
    case 'disabled':
      return 'legacy endpoint off';
    case 'idle':
      return `legacy :${legacy.port} idle (waiting for a run)`;
    case 'listening':
      return `legacy :${legacy.port} listening${legacy.runs?.length ? ` for ${legacy.runs.join(', ')}` : ''}`;
    case 'held-by-window':
      return `legacy :${legacy.port} held by ${holderText(legacy.holder)}`;
    case 'port-in-use':
      return withMessage(`legacy :${legacy.port} blocked by ${holderText(legacy.holder)}`);
    case 'failed':
      return withMessage(`legacy :${legacy.port} failed`);
  }
  return `legacy :${legacy.port}`;
}

function hubAddress(url: string | undefined): string {
  if (!url) return 'no address';
  return url.replace(/^wss?:\/\//, '').replace(/\/$/, '');
}

function FooterView({ hub }: { hub: HubStatus | null }) {
  if (!hub) return <footer class="footer" />;
  const warn = hub.state === 'failed' || hub.legacy.state === 'port-in-use' || hub.legacy.state === 'failed';
  return (
    <footer class={`footer${warn ? ' footer-warn' : ''}`}>
      <span class="hub-state" title={hub.error ?? `Hub ${hub.state}`}>
        <Icon
          name={hub.state === 'running' ? 'radio-tower' : hub.state === 'failed' ? 'error' : 'loading'}
          spin={hub.state === 'starting'}
        />{' '}
        {hub.state === 'running'
          ? `Hub ${hubAddress(hub.url)}`
          : `Hub ${hub.state}${hub.error ? `: ${hub.error}` : ''}`}
      </span>
      <span class="hub-clients">
        {hub.clients} {hub.clients === 1 ? 'client' : 'clients'}
      </span>
      <span class={`legacy-state legacy-${hub.legacy.state}`} title={hub.legacy.message}>
        {hub.legacy.state === 'port-in-use' || hub.legacy.state === 'failed' ? <Icon name="warning" /> : null}{' '}
        {legacyText(hub.legacy)}
      </span>
    </footer>
  );
}

export const Footer = memo(FooterView);
