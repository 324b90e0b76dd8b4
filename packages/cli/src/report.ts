/**
 * `tokengrid report usage|revenue|green --by region|tenant|node --since 7d`:
 * tables from the analysts' views (docs/analytics.md). Energy, green share and
 * carbon are settlement's estimates per usage event, summed.
 */
import pg from "pg";
import { findCluster } from "@tokengrid/domain";

export type ReportKind = "usage" | "revenue" | "green" | "quarantine";
export type ReportBy = "region" | "tenant" | "node";

export interface Report {
  kind: ReportKind;
  by: ReportBy;
  since: string;
  head: string[];
  rows: (string | number)[][];
}

/** "7d", "24h", "30m" → ms. */
export function parseSince(raw: string): number {
  const m = /^(\d+)([dhm])$/.exec(raw.trim());
  if (!m) throw new Error(`--since: expected a span such as 7d, 24h or 30m, got ${JSON.stringify(raw)}`);
  return Number(m[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2] as "d" | "h" | "m"];
}

/** The view column a report groups by (regions are summed from their clusters). */
function groupColumn(by: ReportBy): string {
  return by === "tenant" ? "tenant_id" : by === "node" ? "node_id" : "cluster";
}

/** A grouped row's key: a cluster's region, or the value itself. */
function keyOf(by: ReportBy, value: string): string {
  return by === "region" ? (findCluster(value)?.region ?? "unknown") : value;
}

export async function report(databaseUrl: string, kind: ReportKind, by: ReportBy, since: string): Promise<Report> {
  const sinceMs = parseSince(since);
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const from = new Date(Date.now() - sinceMs);
    if (kind === "quarantine") {
      // Usage settlement refused to pay, and why (docs/security.md).
      if (by === "region") throw new Error("--by: quarantined usage is by node or tenant");
      const r = await client.query<{ key: string; events: string; st: string; reason: string }>(
        `select ${groupColumn(by)} as key, count(*)::text as events, sum(st)::text as st, min(reason) as reason
         from analytics.usage_quarantine where quarantined_at >= $1 group by 1 order by count(*) desc, 1`,
        [from],
      );
      return {
        kind,
        by,
        since,
        head: [by, "events", "ST", "a reason"],
        rows: r.rows.map((x) => [x.key, x.events, Number(x.st).toFixed(3), x.reason]),
      };
    }
    if (kind === "revenue") {
      // What usage was worth when it was settled: the operators' share and the platform's margin.
      const r = await client.query<{ key: string; st: string; operator: string; margin: string }>(
        `select ${groupColumn(by)} as key, sum(st)::text as st,
                sum(operator_yuan)::text as operator, sum(margin_yuan)::text as margin
         from analytics.usage_hourly where hour >= $1 group by 1`,
        [from],
      );
      const acc = new Map<string, { st: number; operator: number; margin: number; packages: number; stBought: number; paid: number }>();
      const at = (k: string) => {
        let a = acc.get(k);
        if (!a) acc.set(k, (a = { st: 0, operator: 0, margin: 0, packages: 0, stBought: 0, paid: 0 }));
        return a;
      };
      for (const x of r.rows) {
        const a = at(keyOf(by, x.key));
        a.st += Number(x.st);
        a.operator += Number(x.operator);
        a.margin += Number(x.margin);
      }
      // Four places: usage is valued to the nano-yuan, and a small fleet's hour is worth fen.
      const yuan = (v: number) => v.toFixed(4);
      if (by !== "tenant") {
        const rows = [...acc.entries()].sort((x, y) => y[1].operator + y[1].margin - (x[1].operator + x[1].margin));
        return {
          kind,
          by,
          since,
          head: [by, "ST delivered", "operators' yuan", "margin yuan", "value yuan"],
          rows: rows.map(([k, a]) => [k, a.st.toFixed(3), yuan(a.operator), yuan(a.margin), yuan(a.operator + a.margin)]),
        };
      }
      // Tenants also bought packages: what they paid, beside what their usage was worth.
      const sales = await client.query<{ tenant_id: string; st: string; yuan: string; purchases: string }>(
        "select tenant_id, sum(size_st)::text as st, sum(price_yuan)::text as yuan, count(*)::text as purchases from analytics.token_sales where purchased_at >= $1 group by 1",
        [from],
      );
      for (const x of sales.rows) {
        const a = at(x.tenant_id);
        a.packages += Number(x.purchases);
        a.stBought += Number(x.st);
        a.paid += Number(x.yuan);
      }
      const rows = [...acc.entries()].sort((x, y) => y[1].paid - x[1].paid || y[1].st - x[1].st);
      return {
        kind,
        by,
        since,
        head: ["tenant", "packages", "ST bought", "yuan paid", "ST used", "usage value yuan"],
        rows: rows.map(([k, a]) => [
          k,
          String(a.packages),
          a.stBought.toFixed(0),
          a.paid.toFixed(2),
          a.st.toFixed(3),
          yuan(a.operator + a.margin),
        ]),
      };
    }
    // Usage, energy and carbon as settlement recorded them per event (docs/analytics.md).
    const r = await client.query<{ key: string; st: string; events: string; kwh: string; green: string; co2: string }>(
      `select ${groupColumn(by)} as key, sum(st)::text as st, sum(events)::text as events,
              sum(energy_kwh)::text as kwh, sum(green_kwh)::text as green, sum(co2_kg)::text as co2
       from analytics.usage_hourly where hour >= $1 group by 1`,
      [from],
    );
    const acc = new Map<string, { st: number; events: number; kwh: number; greenKwh: number; co2Kg: number }>();
    for (const row of r.rows) {
      const k = keyOf(by, row.key);
      const a = acc.get(k) ?? { st: 0, events: 0, kwh: 0, greenKwh: 0, co2Kg: 0 };
      a.st += Number(row.st);
      a.events += Number(row.events);
      a.kwh += Number(row.kwh);
      a.greenKwh += Number(row.green);
      a.co2Kg += Number(row.co2);
      acc.set(k, a);
    }
    const sorted = [...acc.entries()].sort((x, y) => y[1].st - x[1].st);
    if (kind === "usage")
      return { kind, by, since, head: [by, "ST", "usage events"], rows: sorted.map(([k, a]) => [k, a.st.toFixed(3), a.events]) };
    return {
      kind,
      by,
      since,
      head: [by, "ST", "kWh", "green share", "CO2 kg"],
      rows: sorted.map(([k, a]) => [
        k,
        a.st.toFixed(3),
        a.kwh.toFixed(3),
        a.kwh > 0 ? `${((a.greenKwh / a.kwh) * 100).toFixed(0)}%` : "",
        a.co2Kg.toFixed(3),
      ]),
    };
  } finally {
    await client.end();
  }
}
