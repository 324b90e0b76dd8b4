import { describe, expect, it } from "vitest";
import { ConfigError } from "@tokengrid/config";
import { loadAgentConfig, parseNodeFile } from "./config.js";

describe("agent config", () => {
  it("reads a node description in YAML", () => {
    const n = parseNodeFile(
      "nodeId: n1\noperatorId: op\ncluster: horinger\naccelerators:\n  - model: ascend-910b\n    count: 8\n",
      "n1.yaml",
    );
    expect(n).toMatchObject({
      nodeId: "n1",
      cluster: "horinger",
      executors: ["simulated"],
      process: { allowRoot: false, killGraceSeconds: 10 },
      accelerators: [{ model: "ascend-910b", count: 8 }],
    });
  });

  it("reads the process executor's settings, and refuses an unknown executor", () => {
    const n = parseNodeFile(
      "nodeId: n1\noperatorId: op\ncluster: horinger\naccelerators: [{model: ascend-910b, count: 8}]\n" +
        "executors: [process, simulated]\nprocess: {user: tokengrid-job, workRoot: /var/lib/tokengrid/jobs, killGraceSeconds: 30}\naddress: 10.1.2.3\n",
      "n1.yaml",
    );
    expect(n).toMatchObject({
      executors: ["process", "simulated"],
      process: { user: "tokengrid-job", workRoot: "/var/lib/tokengrid/jobs", killGraceSeconds: 30, allowRoot: false },
      address: "10.1.2.3",
    });
    expect(() =>
      parseNodeFile(
        "nodeId: n1\noperatorId: op\ncluster: horinger\naccelerators: [{model: ascend-910b, count: 8}]\nexecutors: [docker]\n",
        "n1.yaml",
      ),
    ).toThrow(/executors\.0/);
  });

  it("names the field that is wrong", () => {
    const bad = () =>
      parseNodeFile("nodeId: n1\noperatorId: op\ncluster: atlantis\naccelerators:\n  - model: mystery-chip\n    count: 0\n", "n1.yaml");
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/n1\.yaml/);
    expect(bad).toThrow(/cluster: .*atlantis/);
    expect(bad).toThrow(/accelerators\.0\.count/);
  });

  it("names a missing or wrong environment variable", () => {
    expect(() => loadAgentConfig({})).toThrow(/NODE_CONFIG/);
    expect(() => loadAgentConfig({ NODE_CONFIG: "/nonexistent.yaml" })).toThrow(/NODE_CONFIG: cannot read/);
    expect(() => loadAgentConfig({ NODE_CONFIG: "x", TIME_SCALE: "fast" })).toThrow(/TIME_SCALE/);
  });
});
