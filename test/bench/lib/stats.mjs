// Summary statistics for the bench: every figure is the median of several runs, reported with
// min and max so a noisy machine shows up as a wide spread instead of a misleading number.

/** Median of a list of numbers (mean of the two middle values for even lengths). */
export function median(values) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile (p in 0..100) of an already sorted array. */
export function percentileOfSorted(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function percentile(values, p) {
  return percentileOfSorted(
    [...values].sort((a, b) => a - b),
    p,
  );
}

/** { median, min, max, runs } of the values collected over the runs of one figure. */
export function summarize(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), runs: values };
}

/**
 * Run `once` `runs` times (sequentially: runs must not compete for the two cores) and collect
 * one number per run, or several named numbers when `once` returns an object.
 */
export async function repeat(runs, once) {
  const collected = [];
  for (let i = 0; i < runs; i += 1) collected.push(await once(i));
  if (typeof collected[0] === 'number') return summarize(collected);
  const byName = {};
  for (const name of Object.keys(collected[0])) byName[name] = summarize(collected.map((sample) => sample[name]));
  return byName;
}

/** Monotonic clock in microseconds. CLOCK_MONOTONIC is system-wide on Linux, so values taken in
 *  different processes on this machine are comparable (used for cross-process latency). */
export function nowMicros() {
  return Number(process.hrtime.bigint()) / 1000;
}
