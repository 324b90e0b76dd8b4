/** `--start`: an ISO time, or HH:MM in China Standard Time meaning the next such time. */
export function parseStart(raw: string, nowMs: number): number {
  const hm = /^(\d{1,2}):(\d{2})$/.exec(raw.trim());
  if (hm) {
    const h = Number(hm[1]);
    const m = Number(hm[2]);
    if (h > 23 || m > 59) throw new Error(`--start: ${raw} is not a time of day`);
    const cstNow = new Date(nowMs + 8 * 3_600_000);
    let t = Date.UTC(cstNow.getUTCFullYear(), cstNow.getUTCMonth(), cstNow.getUTCDate(), h, m) - 8 * 3_600_000;
    if (t < nowMs) t += 86_400_000;
    return t;
  }
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw new Error(`--start: expected an ISO time (2026-12-01T02:00+08:00) or HH:MM, got ${JSON.stringify(raw)}`);
  return t;
}
