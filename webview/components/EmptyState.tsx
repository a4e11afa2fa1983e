// Nothing to show yet: how to start a run, and how a CLI in any terminal finds the hub.
import type { HubStatus } from '../../src/protocol/session';
import type { WebviewCommand } from '../../src/protocol/webview';
import { Icon } from './Icon';
import { memo } from '../memo';

function EmptyStateView({ hub, run }: { hub: HubStatus | null; run: (command: WebviewCommand) => void }) {
  return (
    <div class="empty-state">
      <h1>No Shannon run yet</h1>
      <p>Start a task and follow it here live.</p>
      <button type="button" class="primary" onClick={() => run('do')}>
        <Icon name="play" /> Shannon: Do
      </button>
      <h2>Connect a CLI started in any terminal</h2>
      <p>Terminals of this window already carry the hub address. Wrap any command:</p>
      <pre>shannon-hub run -- &lt;command&gt;</pre>
      <p>
        or set <code>SHANNON_HUB_URL</code> and <code>SHANNON_HUB_TOKEN</code> for a CLI that speaks the native protocol
        {hub?.url ? (
          <>
            {' '}
            (hub: <code>{hub.url}</code>)
          </>
        ) : null}
        . Today's Shannon CLI also reports to the legacy endpoint on port {hub?.legacy.port ?? 8000} when it is enabled.
      </p>
    </div>
  );
}

export const EmptyState = memo(EmptyStateView);
