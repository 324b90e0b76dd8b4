/** Exact integers from the command line: "7000000000", "7e9", "1.5e9". */
export function parseInteger(flag: string, raw: string): string {
  const s = raw.trim().replace(/_/g, "");
  if (/^-?\d+$/.test(s)) return BigInt(s).toString();
  const m = /^(-?)(\d+)(?:\.(\d+))?e\+?(\d+)$/i.exec(s);
  if (m) {
    const [, sign, whole, frac = "", exp] = m;
    const e = Number(exp) - frac.length;
    if (e < 0) throw new Error(`${flag}: ${raw} is not a whole number`);
    return BigInt(`${sign}${whole}${frac}${"0".repeat(e)}`).toString();
  }
  throw new Error(`${flag}: expected a whole number such as 7000000000 or 7e9, got ${JSON.stringify(raw)}`);
}

/** A duration in whole seconds: "90", "90s", "15m", "2h", "1d". */
export function parseDurationSeconds(flag: string, raw: string): number {
  const m = /^(\d+)\s*(s|m|h|d)?$/i.exec(raw.trim());
  if (!m) throw new Error(`${flag}: expected a duration such as 90s, 15m, 2h or 1d, got ${JSON.stringify(raw)}`);
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[(m[2] ?? "s").toLowerCase() as "s" | "m" | "h" | "d"];
  const seconds = Number(m[1]) * unit;
  // The broker takes up to 30 days; a larger figure would not even fit the field.
  if (seconds > 30 * 86_400) throw new Error(`${flag}: at most 30 days (30d), got ${raw}`);
  return seconds;
}

/** --env K=V, given any number of times, into one map. */
export function parseEnvPairs(pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf("=");
    if (i <= 0) throw new Error(`--env: expected NAME=VALUE, got ${JSON.stringify(p)}`);
    env[p.slice(0, i)] = p.slice(i + 1);
  }
  return env;
}
