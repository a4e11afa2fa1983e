// deactivate() must leave nothing behind: the hub's port, the legacy endpoint's port and the
// discovery lock file are gone once the promise it returns has settled. The harness gives every
// test file a fresh extension host, so stopping the hub here does not affect other suites.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as path from 'node:path';
import { EXTENSION_ID, extensionApi } from './shannon-do-support';

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(5000, () => done(false));
  });
}

suite('deactivate', () => {
  test('stops the hub and the legacy endpoint and removes the lock file', async () => {
    const hub = await (await extensionApi()).hub;
    // In "auto" the legacy port is open only while a run needs it: make one need it.
    await hub.legacy.need('deactivate-test', { label: 'the deactivate test' });
    const status = hub.status();
    assert.ok(status.lockFile && existsSync(status.lockFile), 'the hub should have written its lock file');
    assert.equal(await canConnect(hub.port), true, 'the hub should be listening');
    const legacyListening = status.legacy.state === 'listening';
    assert.ok(legacyListening, `the legacy endpoint is ${status.legacy.state}: ${status.legacy.message ?? ''}`);
    assert.equal(await canConnect(status.legacy.port), true);

    // The extension host loaded dist/extension.js with Node's require: the same module instance.
    const main = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'extension.js');
    const extensionModule = createRequire(__filename)(main) as { deactivate(): Promise<void> | undefined };
    const stopping = extensionModule.deactivate();
    assert.ok(stopping, 'deactivate() returned nothing: it was not the instance that started the hub');
    await stopping;

    assert.equal(existsSync(status.lockFile), false, 'the lock file is still there');
    assert.equal(await canConnect(hub.port), false, 'the hub still accepts connections');
    if (legacyListening)
      assert.equal(await canConnect(status.legacy.port), false, 'the legacy endpoint still accepts connections');
    assert.equal(hub.status().state, 'stopped');
  });
});
