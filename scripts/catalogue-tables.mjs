#!/usr/bin/env node
// Prints the device and cluster tables of docs/standard-token.md from the code (after pnpm build).
const { DEVICES, CLUSTERS, defaultMarket } = await import("../packages/domain/dist/index.js");
const f = (x) => (x === undefined ? "—" : (x / 1e12).toFixed(x < 1e14 ? 1 : 0));
const out = [];
out.push("| id | vendor | stack | memory | FP32 | BF16/FP16 | FP8 | INT8 | power | source |");
out.push("| -- | ------ | ----- | ------ | ---- | --------- | --- | ---- | ----- | ------ |");
for (const d of DEVICES) {
  const p = d.peakDense;
  const assumed = d.assumed.length ? `**ASSUMPTION** (${d.assumed.join(", ")}): ` : "";
  out.push(
    `| ${d.id} | ${d.vendor} | ${d.softwareStack} | ${d.memoryMb / 1024} GB | ${f(p.FP32)} | ${f(p.BF16 ?? p.FP16)} | ${f(p.FP8)} | ${f(p.INT8)} | ${d.powerWatts} W | ${assumed}${d.source} |`,
  );
}
out.push("");
const m = defaultMarket();
out.push("| cluster | region | hub | PUE | flat tariff | valley / peak | green share 02:00 / 12:00 / 19:00 |");
out.push("| ------- | ------ | --- | --- | ----------- | ------------- | --------------------------------- |");
for (const c of CLUSTERS) {
  const e = m.clusters.get(c.id);
  const green = [2, 12, 19].map((h) => `${(e.green[h] * 100).toFixed(0)}%`).join(" / ");
  out.push(
    `| ${c.id} | ${c.region} | ${c.hub} | ${c.pue} | ${c.flatTariffYuanPerKwh.toFixed(2)} | ${Math.min(...e.tariff).toFixed(2)} / ${Math.max(...e.tariff).toFixed(2)} (${c.touShape}) | ${green} |`,
  );
}
console.log(out.join("\n"));
