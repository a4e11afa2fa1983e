// Where reporters connect, how many are connected, and whether the legacy endpoint is up.
import type { HubStatus } from '../../src/protocol/session';
import { Icon } from './Icon';
import { memo } from '../memo';

function legacyText(legacy: HubStatus['legacy']): string {
  switch (legacy.state) {
    case 'disabled':
      return 'legacy endpoint off';
    case 'listening':
      return `legacy :${legacy.port} listening`;
    case 'port-in-use':
      return `legacy :${legacy.port} in use${legacy.message ? ` (${legacy.message})` : ''}`;
    case 'failed':
      return `legacy :${legacy.port} failed${legacy.message ? ` (${legacy.message})` : ''}`;
  }
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
      <span class={`legacy-state legacy-${hub.legacy.state}`}>
        {hub.legacy.state === 'port-in-use' || hub.legacy.state === 'failed' ? <Icon name="warning" /> : null}{' '}
        {legacyText(hub.legacy)}
      </span>
    </footer>
  );
}

export const Footer = memo(FooterView);
