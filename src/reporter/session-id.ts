// Session ids in the Shannon CLI's own format, `do_YYYYMMDD_HHMMSS_xxxxxxxx` (local time + 8 hex
// chars), so a session started by Shannon: Do looks exactly like one the CLI would have named.
import { randomBytes } from 'node:crypto';

export const SESSION_ID_PATTERN = /^do_\d{8}_\d{6}_[0-9a-f]{8}$/;

function twoDigits(value: number): string {
  return String(value).padStart(2, '0');
}

/** `now` and `randomHex` are parameters so tests can pin them; defaults are the real clock and crypto. */
export function makeSessionId(now: Date = new Date(), randomHex: string = randomBytes(4).toString('hex')): string {
  if (!/^[0-9a-f]{8}$/.test(randomHex))
    throw new Error(`randomHex must be 8 lowercase hex chars, got ${JSON.stringify(randomHex)}`);
  const date = `${now.getFullYear()}${twoDigits(now.getMonth() + 1)}${twoDigits(now.getDate())}`;
  const time = `${twoDigits(now.getHours())}${twoDigits(now.getMinutes())}${twoDigits(now.getSeconds())}`;
  return `do_${date}_${time}_${randomHex}`;
}
