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
