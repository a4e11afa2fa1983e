// "5 min ago" for tree descriptions. Pure so it is tested without a clock.
export function formatRelativeTime(thenMs: number, nowMs: number): string {
  if (Number.isNaN(thenMs)) return 'unknown time';
  const seconds = Math.round((nowMs - thenMs) / 1000);
  if (seconds < -60) return new Date(thenMs).toLocaleString();
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 30) return days === 1 ? 'yesterday' : `${days} days ago`;
  return new Date(thenMs).toLocaleDateString();
}
