import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError } from "@tokengrid/config";
import { defaultMarket } from "@tokengrid/domain";
import { acceleratorsOf } from "./accelerators.js";
import { parseNodeFile, type AgentConfig } from "./config.js";
import { runTool, type Runner } from "./detect.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");

function config(nodeYaml: string): AgentConfig {
  return {
    node: parseNodeFile(`nodeId: n1\noperatorId: op\ncluster: guian\n${nodeYaml}`, "n1.yaml"),
    nodeConfigPath: "n1.yaml",
    brokerAddresses: ["127.0.0.1:1"],
    tls: { mode: "plaintext" },
    natsAuth: {},
    natsUrl: "nats://127.0.0.1:1",
    namespace: "t",
    timeScale: 1,
    usageIntervalMs: 1000,
    outboxDir: "/nonexistent/outbox",
    outboxMaxBytes: 1 << 20,
    logLevel: "silent",
    market: defaultMarket(),
    workRoot: "/nonexistent/jobs",
    address: "127.0.0.1",
  };
}

const only =
  (tool: string, text: string): Runner =>
  async (cmd) =>
    cmd === tool ? text : undefined;

describe("the node's accelerators", () => {
  it("come from the node file when listed", async () => {
    expect(
      await acceleratorsOf(config("accelerators: [{model: ascend-910b, count: 4}]\n"), only("npu-smi", fixture("npu-smi-info.txt"))),
    ).toEqual([{ model: "ascend-910b", count: 4 }]);
  });

  it("come from the vendor's tool with detect: true, with the memory it reports", async () => {
    expect(await acceleratorsOf(config("detect: true\n"), only("npu-smi", fixture("npu-smi-info.txt")))).toEqual([
      { model: "ascend-910b", count: 8, memoryMb: 32768 },
    ]);
    expect(
      await acceleratorsOf(
        config("detect: true\nmodels: {hygon: hygon-dcu-k100}\ncalibration: {hygon-dcu-k100: 4000}\n"),
        only("hy-smi", fixture("hy-smi.txt")),
      ),
    ).toEqual([{ model: "hygon-dcu-k100", count: 8, calibratedStPerSecond: 4000 }]);
  });

  it("say what to fix when detection cannot tell", async () => {
    await expect(acceleratorsOf(config("detect: true\n"), only("hy-smi", fixture("hy-smi.txt")))).rejects.toThrow(/set models\.hygon/);
    await expect(acceleratorsOf(config("detect: true\n"), only("none", ""))).rejects.toThrow(ConfigError);
    await expect(acceleratorsOf(config("detect: true\n"), only("none", ""))).rejects.toThrow(/list accelerators in the node file/);
    expect(() => config("")).toThrow(/list accelerators, or set detect: true/);
    expect(() => config("detect: true\naccelerators: [{model: ascend-910b, count: 4}]\n")).toThrow(/one of the two/);
  });

  it("runs real commands, and takes a missing tool as absent", async () => {
    expect(await runTool("tokengrid-no-such-tool", [])).toBeUndefined();
    expect(await runTool(process.execPath, ["-e", "process.stdout.write('ok')"])).toBe("ok");
  });
});
