// The one HTML page every Shannon webview uses. No `vscode` import on purpose: the caller passes
// the resolved URIs as strings, so the webview tests load exactly this page (and its CSP) in
// Chromium. Policy: nothing by default; scripts only with this page load's nonce; styles and
// fonts only from the webview's own resource origin (no inline styles); images from there or data:.
import { randomBytes } from 'node:crypto';

export interface WebviewPageOptions {
  /** webview.cspSource: the origin the webview serves local resources from. */
  cspSource: string;
  /** Script URL (asWebviewUri of dist/webview/main.js). */
  scriptUri: string;
  /** Stylesheet URLs, in cascade order. */
  styleUris: string[];
  title: string;
  /** Fixed in tests; a fresh one per page load otherwise. */
  nonce?: string;
  /** Extra scripts that must run before the bundle (tests define acquireVsCodeApi here); they get the nonce. */
  preludeScriptUris?: string[];
}

/** 128 random bits, base64: unguessable per page load, valid in a CSP nonce-source. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

export function renderWebviewHtml(options: WebviewPageOptions): string {
  const nonce = options.nonce ?? createNonce();
  const a = escapeAttribute;
  const styles = options.styleUris.map((uri) => `    <link rel="stylesheet" href="${a(uri)}">`).join('\n');
  const scripts = [...(options.preludeScriptUris ?? []), options.scriptUri]
    .map((uri) => `    <script nonce="${a(nonce)}" src="${a(uri)}"></script>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${a(contentSecurityPolicy(options.cspSource, nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
    <title>${a(options.title)}</title>
  </head>
  <body>
${scripts}
  </body>
</html>
`;
}
