// A stand-in for VS Code's webview host: a real HTTP server on 127.0.0.1 serving the production
// bundle inside the exact page (and CSP) the extension builds, plus a prelude script that defines
// acquireVsCodeApi (recording posted messages, keeping state across reloads like VS Code does).
// Tests play the host's messages with window.postMessage, as the real host does.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { SessionStore } from '../../src/hub/store';
import type { HostToWebview, WebviewToHost } from '../../src/protocol/webview';
import { MonitorConnection } from '../../src/vscode/monitor-connection';
import { hubStatus } from './fixtures';
import { renderWebviewHtml } from '../../src/vscode/webview-html';
import { DARK_THEME, HIGH_CONTRAST_THEME, LIGHT_THEME, themeCss } from './themes';

const repoRoot = path.resolve(__dirname, '../..');

/** One production build for the whole run, exactly what `npm run package` ships. */
export function buildProductionBundle(): void {
  const result = spawnSync(process.execPath, ['esbuild.mjs', '--production'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0)
    throw new Error(`production build failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
}

// Runs in the page before the bundle. State lives in sessionStorage so it survives reload, the
// way VS Code keeps a webview's setState across hide/show.
const PRELUDE = `
(() => {
  const key = 'vscode-webview-state';
  window.__posted = [];
  window.__cspViolations = [];
  window.__stateWrites = 0;
  document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return {
      postMessage: (message) => {
        window.__posted.push(JSON.parse(JSON.stringify(message)));
        // With a host attached (MonitorPage.withHost), the message also goes to a real MonitorConnection.
        if (window.__toHost) window.__toHost(JSON.parse(JSON.stringify(message)));
      },
      getState: () => JSON.parse(sessionStorage.getItem(key) || 'null'),
      setState: (state) => { window.__stateWrites++; sessionStorage.setItem(key, JSON.stringify(state)); return state; },
    };
  };
})();
`;

export type ThemeName = 'light' | 'dark' | 'high-contrast';

export class MonitorTestServer {
  private constructor(
    private readonly server: Server,
    private readonly dir: string,
    readonly origin: string,
  ) {}

  static async start(): Promise<MonitorTestServer> {
    const dir = mkdtempSync(path.join(tmpdir(), 'shannon-webview-'));
    mkdirSync(path.join(dir, 'codicons'));
    copyFileSync(path.join(repoRoot, 'dist/webview/main.js'), path.join(dir, 'main.js'));
    copyFileSync(path.join(repoRoot, 'media/monitor.css'), path.join(dir, 'monitor.css'));
    for (const file of ['codicon.css', 'codicon.ttf'])
      copyFileSync(path.join(repoRoot, 'dist/codicons', file), path.join(dir, 'codicons', file));
    writeFileSync(path.join(dir, 'prelude.js'), PRELUDE);
    writeFileSync(path.join(dir, 'theme-light.css'), themeCss(LIGHT_THEME));
    writeFileSync(path.join(dir, 'theme-dark.css'), themeCss(DARK_THEME));
    writeFileSync(path.join(dir, 'theme-high-contrast.css'), themeCss(HIGH_CONTRAST_THEME));
    const types: Record<string, string> = {
      '.js': 'text/javascript',
      '.css': 'text/css',
      '.ttf': 'font/ttf',
      '.html': 'text/html',
    };
    let origin = '';
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/' || url.pathname === '/index.html') {
        const requested = url.searchParams.get('theme');
        const theme = requested === 'dark' || requested === 'high-contrast' ? requested : 'light';
        const html = renderWebviewHtml({
          cspSource: origin,
          scriptUri: `${origin}/main.js`,
          preludeScriptUris: [`${origin}/prelude.js`],
          styleUris: [`${origin}/theme-${theme}.css`, `${origin}/codicons/codicon.css`, `${origin}/monitor.css`],
          title: 'Shannon Monitor (test)',
        });
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
        return;
      }
      const file = path.join(dir, path.normalize(url.pathname).replace(/^[/\\]+/, ''));
      if (!file.startsWith(dir)) {
        res.writeHead(403).end();
        return;
      }
      try {
        const body = readFileSync(file);
        res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return new MonitorTestServer(server, dir, origin);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections?.();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A Monitor page in a browser context, with the host's side of the conversation. */
export class MonitorPage {
  /** With `withHost`: the real host side the page talks to, and every message it sent the page. */
  connection: MonitorConnection | undefined;
  readonly hostSent: HostToWebview[] = [];

  constructor(readonly page: Page) {}

  /**
   * The page talking to the extension's real host side (MonitorConnection) over a real
   * SessionStore: what the page posts goes to the connection, what the connection posts is
   * delivered to the page in order, as VS Code does. For paging and filters, which need answers.
   */
  static async withHost(
    browser: Browser,
    server: MonitorTestServer,
    store: SessionStore,
    options: { theme?: ThemeName; width?: number; height?: number } = {},
  ): Promise<MonitorPage> {
    return MonitorPage.open(browser, server, { ...options, store });
  }

  static async open(
    browser: Browser,
    server: MonitorTestServer,
    options: { theme?: ThemeName; width?: number; height?: number; store?: SessionStore } = {},
  ): Promise<MonitorPage> {
    const context = await browser.newContext({
      viewport: { width: options.width ?? 400, height: options.height ?? 800 },
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const monitor = new MonitorPage(page);
    if (options.store) {
      let delivery = Promise.resolve();
      const connection = new MonitorConnection(
        { status: () => hubStatus(), onStatusChange: () => ({ dispose: () => undefined }) },
        {
          post: (message) => {
            monitor.hostSent.push(message);
            delivery = delivery.then(() => monitor.send(message)).catch(() => undefined /* the page closed */);
          },
          runCommand: () => undefined,
          copy: () => undefined,
          log: { info: () => undefined, warn: (m) => console.warn(`      host: ${m}`), error: (m) => console.error(m) },
        },
      );
      connection.attachStore(options.store);
      monitor.connection = connection;
      await page.exposeFunction('__toHost', (message: unknown) => connection.receive(message));
    }
    await page.goto(`${server.origin}/?theme=${options.theme ?? 'light'}`);
    await monitor.waitForPosted((m) => m.type === 'ready');
    return monitor;
  }

  async close(): Promise<void> {
    this.connection?.dispose();
    await this.page.context().close();
  }

  /** Deliver a host message the way VS Code does: a `message` event on the webview's window. */
  async send(message: HostToWebview): Promise<void> {
    await this.page.evaluate((m) => window.postMessage(m, '*'), message as unknown as Record<string, unknown>);
  }

  async posted(): Promise<WebviewToHost[]> {
    return this.page.evaluate(() => (window as unknown as { __posted: WebviewToHost[] }).__posted);
  }

  async waitForPosted(predicate: (m: WebviewToHost) => boolean, timeoutMs = 10_000): Promise<WebviewToHost> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.posted()).find(predicate);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(
          `no matching message posted within ${timeoutMs} ms; posted: ${JSON.stringify(await this.posted())}`,
        );
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async clearPosted(): Promise<void> {
    await this.page.evaluate(() => {
      (window as unknown as { __posted: unknown[] }).__posted.length = 0;
    });
  }

  async cspViolations(): Promise<string[]> {
    return this.page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
  }

  /** seq numbers of the event rows currently in the DOM, top to bottom. */
  async renderedSeqs(): Promise<number[]> {
    return this.page.$$eval('.event-row', (rows) =>
      rows.map((r) => Number((r as HTMLElement).dataset.seq)).sort((a, b) => a - b),
    );
  }

  /** Event rows actually inside the scroll viewport (not just rendered as overscan). */
  async visibleSeqs(): Promise<number[]> {
    return this.page.$$eval('.event-row', (rows) => {
      const box = document.querySelector('.event-scroll')!.getBoundingClientRect();
      return rows
        .filter((r) => {
          const b = r.getBoundingClientRect();
          return b.bottom > box.top + 1 && b.top < box.bottom - 1;
        })
        .map((r) => Number((r as HTMLElement).dataset.seq))
        .sort((a, b) => a - b);
    });
  }
}
