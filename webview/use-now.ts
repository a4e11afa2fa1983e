// A clock for countdowns and "no answer yet" timers: re-renders its component once a second
// while `active`, and not at all otherwise (an idle Monitor must not repaint every second).
import { useEffect, useState } from 'preact/hooks';

export function useNow(active: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
  return active ? now : Date.now();
}
