/**
 * Accelerator detection from the vendors' own tools: nvidia-smi (NVIDIA),
 * npu-smi (Huawei Ascend), cnmon (Cambricon) and hy-smi (Hygon DCU). The
 * parsers are pure and tested on outputs recorded on real machines
 * (fixtures/, each with its source); running the tools is the only I/O.
 */
import { execFile } from "node:child_process";

export interface Detected {
  readonly tool: string;
  readonly vendor: string;
  /** The name the tool prints (e.g. "910B4", "NVIDIA A100-SXM4-80GB"); undefined when it prints none. */
  readonly name: string | undefined;
  /** Entries the tool lists (GPUs, NPU chips, MLU cards, DCUs). */
  readonly count: number;
  /** Memory per entry in MB, where the tool prints it. */
  readonly memoryMb: number | undefined;
  /** For npu-smi: chips per NPU (2 on dual-die parts). */
  readonly chipsPerUnit?: number;
}

/** Groups entries by name. */
function group(
  tool: string,
  vendor: string,
  entries: { name: string | undefined; memoryMb: number | undefined }[],
  extra: Partial<Detected> = {},
): Detected[] {
  const byName = new Map<string, { name: string | undefined; count: number; memoryMb: number | undefined }>();
  for (const e of entries) {
    const key = e.name ?? "";
    const g = byName.get(key) ?? { name: e.name, count: 0, memoryMb: e.memoryMb };
    g.count += 1;
    byName.set(key, g);
  }
  return [...byName.values()].map((g) => ({ tool, vendor, ...g, ...extra }));
}

/** `nvidia-smi --query-gpu=index,name,memory.total --format=csv` (a header names the columns; units are allowed). */
export function parseNvidiaSmiCsv(text: string): Detected[] {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
  if (lines.length === 0) return [];
  const header = lines[0]!.split(",").map((h) => h.trim().toLowerCase());
  const hasHeader = header.some((h) => h.startsWith("name"));
  const col = (prefix: string, fallback: number) => {
    const i = header.findIndex((h) => h.startsWith(prefix));
    return hasHeader ? i : fallback;
  };
  const nameCol = col("name", 1);
  const memCol = col("memory.total", 2);
  const entries = (hasHeader ? lines.slice(1) : lines).map((l) => {
    const cells = l.split(",").map((c) => c.trim());
    const mem = memCol >= 0 ? Number.parseInt(cells[memCol] ?? "", 10) : Number.NaN;
    return { name: cells[nameCol], memoryMb: Number.isFinite(mem) ? mem : undefined };
  });
  return group("nvidia-smi", "nvidia", entries);
}

/** `npu-smi info`: one block per chip; the first row names the NPU, the second gives bus id and HBM use/total. */
export function parseNpuSmiInfo(text: string): Detected[] {
  const chips: { npu: number; name: string; memoryMb: number | undefined }[] = [];
  let pending: { npu: number; name: string } | undefined;
  for (const line of text.split(/\r?\n/)) {
    const first = /^\|\s*(\d+)\s+([\w.-]*[A-Za-z][\w.-]*)\s+\|\s*\S+\s+\|/.exec(line);
    if (first) {
      pending = { npu: Number(first[1]), name: first[2]! };
      continue;
    }
    const second = /^\|\s*\d+(?:\s+\d+)?\s+\|\s*[0-9A-Fa-f]{4}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.\d\s+\|.*?(\d+)\s*\/\s*(\d+)\s*\|\s*$/.exec(
      line,
    );
    if (second && pending) {
      chips.push({ ...pending, memoryMb: Number(second[2]) });
      pending = undefined;
    }
  }
  const units = new Set(chips.map((c) => c.npu)).size;
  const chipsPerUnit = units > 0 ? chips.length / units : 1;
  return group("npu-smi", "huawei", chips, { chipsPerUnit });
}

/** `cnmon`: two rows per card; the first has card, VF, name and firmware; the second the memory. */
export function parseCnmon(text: string): Detected[] {
  const cards: { name: string; memoryMb: number | undefined }[] = [];
  let pending: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const first = /^\|\s*\d+\s+\S+\s+(\S+)\s+v[\d.]+\s+\|\s*[0-9A-Fa-f]{4}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.\d\s*\|/.exec(line);
    if (first) {
      pending = first[1];
      continue;
    }
    const mem = /\|\s*\d+\s*MiB\/\s*(\d+|x+)\s*MiB\s*\|/.exec(line);
    if (mem && pending !== undefined) {
      const total = Number(mem[1]);
      cards.push({ name: pending, memoryMb: Number.isFinite(total) ? total : undefined });
      pending = undefined;
    }
  }
  return group("cnmon", "cambricon", cards);
}

/** `hy-smi`: one row per DCU under the "DCU Temp ..." header; it prints no model name. */
export function parseHySmi(text: string): Detected[] {
  let inTable = false;
  const dcus: { name: undefined; memoryMb: undefined }[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^DCU\s+Temp\b/.test(line)) {
      inTable = true;
      continue;
    }
    if (inTable && /^=+/.test(line)) break;
    if (inTable && /^\d+\s+[\d.]+C\s/.test(line)) dcus.push({ name: undefined, memoryMb: undefined });
  }
  return group("hy-smi", "hygon", dcus);
}

/** Names each tool prints, mapped to catalogue ids. `per` entries make one catalogue device. */
const MAPPINGS: { vendor: string; pattern: RegExp; id: string; per?: number; chipsPerUnit?: number }[] = [
  { vendor: "nvidia", pattern: /H200/, id: "nvidia-h200-sxm" },
  { vendor: "nvidia", pattern: /H100/, id: "nvidia-h100-sxm" },
  { vendor: "nvidia", pattern: /A100/, id: "nvidia-a100-sxm" },
  { vendor: "nvidia", pattern: /\bH20\b/, id: "nvidia-h20" },
  { vendor: "nvidia", pattern: /\bL20\b/, id: "nvidia-l20" },
  { vendor: "nvidia", pattern: /L40S/, id: "nvidia-l40s" },
  { vendor: "huawei", pattern: /^910B/, id: "ascend-910b" },
  { vendor: "huawei", pattern: /^310P/, id: "ascend-310p" },
  // The dual-die 910C shows as "Ascend910" with two chips per NPU.
  { vendor: "huawei", pattern: /^Ascend910$/, id: "ascend-910c", per: 2, chipsPerUnit: 2 },
  // cnmon lists each of the MLU370-X8's two chips as a card.
  { vendor: "cambricon", pattern: /^MLU370-X8$/, id: "cambricon-mlu370-x8", per: 2 },
  { vendor: "cambricon", pattern: /^MLU590/, id: "cambricon-mlu590" },
];

export interface ResolvedAccelerator {
  model: string;
  count: number;
  memoryMb: number | undefined;
}

/**
 * Turns detections into catalogue devices. `models` names the catalogue id
 * per vendor where the tool prints no usable name (hy-smi) or the operator
 * knows better. Returns what it could not resolve, with a reason.
 */
export function resolve(
  detected: readonly Detected[],
  models: Readonly<Record<string, string>> = {},
): { accelerators: ResolvedAccelerator[]; problems: string[] } {
  const accelerators: ResolvedAccelerator[] = [];
  const problems: string[] = [];
  for (const d of detected) {
    const override = models[d.vendor];
    const m = override
      ? undefined
      : MAPPINGS.find(
          (x) =>
            x.vendor === d.vendor &&
            d.name !== undefined &&
            x.pattern.test(d.name) &&
            (x.chipsPerUnit === undefined || x.chipsPerUnit === d.chipsPerUnit),
        );
    const id = override ?? m?.id;
    if (!id) {
      problems.push(
        `${d.tool} found ${d.count} ${d.vendor} device(s)${d.name ? ` named ${JSON.stringify(d.name)}` : " without a model name"}; set models.${d.vendor} in the node file to a catalogue id`,
      );
      continue;
    }
    const per = m?.per ?? 1;
    accelerators.push({
      model: id,
      count: Math.max(1, Math.floor(d.count / per)),
      memoryMb: d.memoryMb === undefined ? undefined : d.memoryMb * per,
    });
  }
  return { accelerators, problems };
}

export type Runner = (command: string, args: readonly string[]) => Promise<string | undefined>;

/** Runs a tool; undefined when it is not installed or fails. */
export const runTool: Runner = (command, args) =>
  new Promise((resolvePromise) => {
    execFile(command, [...args], { timeout: 10_000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout) =>
      resolvePromise(err ? undefined : stdout),
    );
  });

const TOOLS: { command: string; args: string[]; parse: (text: string) => Detected[] }[] = [
  { command: "nvidia-smi", args: ["--query-gpu=index,name,memory.total", "--format=csv"], parse: parseNvidiaSmiCsv },
  { command: "npu-smi", args: ["info"], parse: parseNpuSmiInfo },
  { command: "cnmon", args: [], parse: parseCnmon },
  { command: "hy-smi", args: [], parse: parseHySmi },
];

/** Asks every vendor tool present on this machine what it sees. */
export async function detectAll(run: Runner = runTool): Promise<Detected[]> {
  const out: Detected[] = [];
  for (const t of TOOLS) {
    const text = await run(t.command, t.args);
    if (text !== undefined) out.push(...t.parse(text));
  }
  return out;
}
