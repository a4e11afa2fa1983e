export * from './wire';
export * from './events';
export * from './session';
export * from './webview';
export * from './discovery';
export * from './bounds';
