// Sizes the host and the Monitor webview agree on. Zod-free, so the webview bundle may import it
// (src/protocol/webview.ts holds the message schemas and is types-only for the webview).

/** The snapshot carries at most this many of the shown session's latest events... */
export const SNAPSHOT_MAX_EVENTS = 1000;
/** ...and at most this many bytes of them as JSON (the rest of a snapshot is small). */
export const SNAPSHOT_MAX_BYTES = 768 * 1024;
/** One `rows` request asks for at most this many rows. */
export const MAX_ROWS_PER_REQUEST = 1000;
/** Row views: 0 is every event of the session; a query's id (1, 2, ...) is its matching events. */
export const ALL_EVENTS = 0;
