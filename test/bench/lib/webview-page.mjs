// The page the extension builds for the Monitor (src/vscode/webview-html.ts, same CSP), served on
// 127.0.0.1 with the production bundle and a prelude script that stands in for VS Code's
// acquireVsCodeApi, plus a blank page (the reference). Shared by the webview probes.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderWebviewHtml } from '../../../src/vscode/webview-html';
import { LIGHT_THEME, themeCss } from '../../webview/themes';

const ISOLATED = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

/**
 * `isolated`: serve the pages cross-origin isolated (COOP + COEP), which gives performance.now()
 * 5 us resolution instead of 100 us; for figures of a fraction of a millisecond.
 */
export function startWebviewPage(repoRoot, prelude, { isolated = false } = {}) {
  const pageHeaders = { 'content-type': 'text/html; charset=utf-8', ...(isolated ? ISOLATED : {}) };
  const files = {
    '/main.js': [readFileSync(join(repoRoot, 'dist/webview/main.js')), 'text/javascript'],
    '/monitor.css': [readFileSync(join(repoRoot, 'media/monitor.css')), 'text/css'],
    '/codicons/codicon.css': [readFileSync(join(repoRoot, 'dist/codicons/codicon.css')), 'text/css'],
    '/codicons/codicon.ttf': [readFileSync(join(repoRoot, 'dist/codicons/codicon.ttf')), 'font/ttf'],
    '/prelude.js': [prelude, 'text/javascript'],
    '/theme.css': [themeCss(LIGHT_THEME), 'text/css'],
  };
  let origin = '';
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/') {
      const html = renderWebviewHtml({
        cspSource: origin,
        scriptUri: `${origin}/main.js`,
        preludeScriptUris: [`${origin}/prelude.js`],
        styleUris: [`${origin}/theme.css`, `${origin}/codicons/codicon.css`, `${origin}/monitor.css`],
        title: 'Shannon Monitor (bench)',
      });
      res.writeHead(200, pageHeaders).end(html);
    } else if (path === '/blank') {
      res.writeHead(200, pageHeaders).end('<!doctype html><title>blank</title>');
    } else if (files[path]) {
      const headers = { 'content-type': files[path][1] };
      if (isolated) headers['cross-origin-resource-policy'] = 'same-origin';
      res.writeHead(200, headers).end(files[path][0]);
    } else res.writeHead(404).end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      origin = `http://127.0.0.1:${server.address().port}`;
      resolve({ origin, close: () => new Promise((r) => server.close(r)) });
    }),
  );
}
