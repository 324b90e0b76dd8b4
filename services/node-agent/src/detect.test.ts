import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findDevice } from "@tokengrid/domain";
import { detectAll, parseCnmon, parseHySmi, parseNpuSmiInfo, parseNvidiaSmiCsv, resolve } from "./detect.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");

describe("nvidia-smi", () => {
  it("reads a CSV query with header and units", () => {
    expect(parseNvidiaSmiCsv(fixture("nvidia-smi-query.csv"))).toEqual([
      { tool: "nvidia-smi", vendor: "nvidia", name: "NVIDIA H200-141C", count: 4, memoryMb: 144384 },
    ]);
    expect(parseNvidiaSmiCsv(fixture("nvidia-smi-query-8gpu-no-uuid.csv"))).toEqual([
      { tool: "nvidia-smi", vendor: "nvidia", name: "NVIDIA GeForce RTX 4090", count: 8, memoryMb: 24564 },
    ]);
  });

  it("reads a CSV query without header in the agent's column order", () => {
    expect(parseNvidiaSmiCsv("0, NVIDIA H100 80GB HBM3, 81559\n1, NVIDIA H100 80GB HBM3, 81559\n")).toEqual([
      { tool: "nvidia-smi", vendor: "nvidia", name: "NVIDIA H100 80GB HBM3", count: 2, memoryMb: 81559 },
    ]);
  });
});

describe("npu-smi info", () => {
  it("reads eight 910B4 NPUs with their HBM", () => {
    expect(parseNpuSmiInfo(fixture("npu-smi-info.txt"))).toEqual([
      { tool: "npu-smi", vendor: "huawei", name: "910B4", count: 8, memoryMb: 32768, chipsPerUnit: 1 },
    ]);
  });

  it("ignores the process table", () => {
    expect(parseNpuSmiInfo(fixture("npu-smi-info-910b3-procs.txt"))).toMatchObject([
      { name: "910B3", count: 8, memoryMb: 65536, chipsPerUnit: 1 },
    ]);
  });

  it("sees two chips per NPU on a dual-die server", () => {
    const d = parseNpuSmiInfo(fixture("npu-smi-info-a3-16chip.txt"));
    expect(d).toMatchObject([{ name: "Ascend910", count: 16, chipsPerUnit: 2, memoryMb: 65536 }]);
    expect(resolve(d).accelerators).toEqual([{ model: "ascend-910c", count: 8, memoryMb: 131072 }]);
  });
});

describe("cnmon", () => {
  it("reads MLU370-X8 chips and makes cards of them", () => {
    const d = parseCnmon(fixture("cnmon.txt"));
    expect(d).toEqual([{ tool: "cnmon", vendor: "cambricon", name: "MLU370-X8", count: 2, memoryMb: 23374 }]);
    expect(resolve(d).accelerators).toEqual([{ model: "cambricon-mlu370-x8", count: 1, memoryMb: 46748 }]);
    expect(parseCnmon(fixture("cnmon-mlu370x8-v5.10.22.txt"))).toMatchObject([{ name: "MLU370-X8", memoryMb: 20638 }]);
  });

  it("counts cards whose name and memory are redacted, and asks the operator to name them", () => {
    const d = parseCnmon(fixture("cnmon-8card-redacted.txt"));
    expect(d).toEqual([{ tool: "cnmon", vendor: "cambricon", name: "MLUXXX-XX", count: 8, memoryMb: undefined }]);
    expect(resolve(d).problems[0]).toContain("set models.cambricon");
    expect(resolve(d, { cambricon: "cambricon-mlu590" }).accelerators).toEqual([
      { model: "cambricon-mlu590", count: 8, memoryMb: undefined },
    ]);
  });
});

describe("hy-smi", () => {
  it("counts DCUs, which it does not name", () => {
    expect(parseHySmi(fixture("hy-smi.txt"))).toEqual([
      { tool: "hy-smi", vendor: "hygon", name: undefined, count: 8, memoryMb: undefined },
    ]);
    expect(parseHySmi(fixture("hy-smi-k100ai-4dcu.txt"))).toMatchObject([{ count: 4 }]);
    const d = parseHySmi(fixture("hy-smi.txt"));
    expect(resolve(d).problems).toEqual([
      "hy-smi found 8 hygon device(s) without a model name; set models.hygon in the node file to a catalogue id",
    ]);
    expect(resolve(d, { hygon: "hygon-dcu-k100" }).accelerators).toEqual([{ model: "hygon-dcu-k100", count: 8, memoryMb: undefined }]);
  });
});

describe("resolving names to the catalogue", () => {
  it("maps what the tools print to catalogue ids", () => {
    for (const [vendor, name, id] of [
      ["nvidia", "NVIDIA A100-SXM4-80GB", "nvidia-a100-sxm"],
      ["nvidia", "NVIDIA H100 80GB HBM3", "nvidia-h100-sxm"],
      ["nvidia", "NVIDIA H200-141C", "nvidia-h200-sxm"],
      ["nvidia", "NVIDIA H20", "nvidia-h20"],
      ["huawei", "910B3", "ascend-910b"],
      ["huawei", "310P3", "ascend-310p"],
    ] as const) {
      const r = resolve([{ tool: "t", vendor, name, count: 8, memoryMb: 1 }]);
      expect(r.accelerators[0]?.model, name).toBe(id);
      expect(findDevice(id), id).toBeDefined();
    }
    expect(
      resolve([{ tool: "nvidia-smi", vendor: "nvidia", name: "NVIDIA GeForce RTX 4090", count: 8, memoryMb: 24564 }]).problems[0],
    ).toContain('named "NVIDIA GeForce RTX 4090"');
  });

  it("asks only the tools that are installed", async () => {
    const asked: string[] = [];
    const found = await detectAll(async (cmd) => {
      asked.push(cmd);
      return cmd === "npu-smi" ? fixture("npu-smi-info.txt") : undefined;
    });
    expect(asked).toEqual(["nvidia-smi", "npu-smi", "cnmon", "hy-smi"]);
    expect(found).toMatchObject([{ vendor: "huawei", count: 8 }]);
  });
});
