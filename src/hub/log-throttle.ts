// Refusals and bad input are logged, but a peer that repeats them must not flood the log (the
// native endpoint once wrote 20,000 lines in 3.7 s for refused upgrades). Both endpoints use the
// same rule: the first occurrences in full, then one line per LOG_EVERY, each with the running count.

/** Occurrences logged in full before throttling starts. */
export const LOG_FIRST = 20;
/** After that, every LOG_EVERY-th occurrence is logged (with the count so far). */
export const LOG_EVERY = 100;

/** Whether the `count`-th occurrence (1-based) of something should be logged. */
export function shouldLogOccurrence(count: number): boolean {
  return count <= LOG_FIRST || count % LOG_EVERY === 0;
}
