// How long Node takes to load (read, compile, run the top level of) dist/extension.js: the part
// of an extension's activation VS Code spends before it calls activate(). `vscode` exists only
// inside the extension host, so it is replaced by an inert stand-in; nothing is activated.
// Prints {loadMs}.
const Module = require('node:module');
const { performance } = require('node:perf_hooks');

const inert = new Proxy(function inert() {}, {
  get: (_, key) => (key === Symbol.toPrimitive ? () => '' : inert),
  apply: () => inert,
  construct: () => inert,
});
const load = Module._load;
Module._load = function loadWithVscodeStandIn(request, ...rest) {
  return request === 'vscode' ? inert : load.call(this, request, ...rest);
};
const started = performance.now();
require(process.argv[2]);
console.log(JSON.stringify({ loadMs: performance.now() - started }));
