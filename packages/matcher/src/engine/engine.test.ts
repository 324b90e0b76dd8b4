import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { defaultMarket } from "@tokengrid/domain";
import { Engine } from "./engine.js";
import { SchedulingQueue } from "./queue.js";
import { job, NIGHT, node } from "./testing.js";
import type { JobRequest } from "./types.js";

const CLUSTERS = ["horinger", "guian", "yangtze-delta", "shaoguan", "tianfu"];
const DEVICES = ["nvidia-h100-sxm", "ascend-910b", "nvidia-h20", "cambricon-mlu370-x8"];

describe("the index decides as the naive engine does", () => {
  it("picks a node with the same best score for whole-device jobs", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...CLUSTERS), fc.constantFrom(...DEVICES), fc.constantFrom(4, 8)), {
          minLength: 1,
          maxLength: 25,
        }),
        fc.array(
          fc.record({
            kind: fc.constantFrom("TRAINING" as const, "INFERENCE" as const, "BATCH" as const),
            devices: fc.integer({ min: 1, max: 8 }),
            origin: fc.constantFrom("", "shanghai", "guangzhou", "chengdu"),
          }),
          { minLength: 1, maxLength: 15 },
        ),
        (nodes, jobs) => {
          const engine = new Engine(defaultMarket());
          nodes.forEach(([c, d, n], i) => engine.state.upsertNode(node(`n${i}`, c, d, n)));
          jobs.forEach((spec, i) => {
            const j = job({ jobId: `j${i}`, kind: spec.kind, devicesPerReplica: spec.devices, origin: spec.origin });
            const fast = engine.schedule(j, NIGHT);
            const naive = engine.scheduleNaive(j, NIGHT);
            expect(naive === undefined).toBe(fast.outcome === "unschedulable");
            if (fast.outcome === "unschedulable") return;
            expect(fast.outcome).toBe("placed");
            expect(naive).toBeDefined();
            expect(fast.receipt.chosen!.total).toBe(Math.round(naive!.total));
            if (fast.outcome === "placed") engine.state.reserve(j, fast.placement);
          });
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("gangs", () => {
  it("places all replicas in one cluster, or none, and leaves no trace when it cannot", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 4 }),
        (replicas, devices, nodesPerCluster) => {
          const engine = new Engine(defaultMarket());
          for (const c of ["horinger", "guian"])
            for (let i = 0; i < nodesPerCluster; i++) engine.state.upsertNode(node(`${c}-${i}`, c, "nvidia-h100-sxm", 8));
          const j = job({ jobId: "gang", replicas, devicesPerReplica: devices });
          const free = () => [...engine.state.nodes.values()].map((n) => n.freeWhole);
          const before = free();
          const d = engine.schedule(j, NIGHT);
          expect(free()).toEqual(before);
          const fits = Math.floor(8 / devices) * nodesPerCluster >= replicas;
          expect(d.outcome).toBe(fits ? "placed" : "unschedulable");
          expect(d.receipt.summary.includes(`all ${replicas} replicas`)).toBe(!fits);
          if (!fits) return;
          expect(d.outcome).toBe("placed");
          if (d.outcome !== "placed") return;
          expect(d.placement.replicas).toHaveLength(replicas);
          const clusters = new Set(d.placement.replicas.map((r) => engine.state.nodes.get(r.nodeId)!.profile.cluster));
          expect(clusters.size).toBe(1);
          engine.state.reserve(j, d.placement);
        },
      ),
    );
  });
});

describe("preemption", () => {
  function scene() {
    const engine = new Engine(defaultMarket());
    engine.state.upsertNode(node("east-1", "yangtze-delta", "nvidia-h100-sxm", 8));
    engine.state.upsertNode(node("west-1", "horinger", "nvidia-h100-sxm", 8));
    // Preemptible batch work fills the east node; the west node has room.
    const batch = job({
      jobId: "batch",
      kind: "BATCH",
      devicesPerReplica: 8,
      priority: 10,
      preemptible: true,
      allowedClusters: ["yangtze-delta"],
    });
    const d = engine.schedule(batch, NIGHT);
    if (d.outcome !== "placed") throw new Error("setup");
    engine.state.reserve(batch, d.placement);
    return engine;
  }
  const inference = (bound: number): JobRequest =>
    job({ jobId: "infer", kind: "INFERENCE", origin: "shanghai", maxLatencyMs: bound, priority: 100, devicesPerReplica: 1 });

  it("an east inference job preempts preemptible batch work when nothing else meets its bound", () => {
    const engine = scene();
    const d = engine.schedule(inference(10), NIGHT);
    expect(d.outcome).toBe("preempt");
    if (d.outcome !== "preempt") return;
    expect(d.victims).toEqual(["batch"]);
    expect(d.placement.replicas[0]!.nodeId).toBe("east-1");
    expect(d.receipt.summary).toContain("preempts batch");
  });

  it("does not preempt when a node within the bound has room", () => {
    const engine = scene();
    const d = engine.schedule(inference(40), NIGHT);
    expect(d.outcome).toBe("placed");
    expect(d.outcome === "placed" && d.placement.replicas[0]!.nodeId).toBe("west-1");
  });

  it("never preempts work of equal or higher priority, or work that is not preemptible", () => {
    const engine = scene();
    expect(engine.schedule({ ...inference(10), priority: 10 }, NIGHT).outcome).toBe("unschedulable");
    const e2 = new Engine(defaultMarket());
    e2.state.upsertNode(node("east-1", "yangtze-delta", "nvidia-h100-sxm", 8));
    const firm = job({ jobId: "firm", devicesPerReplica: 8, priority: 10, preemptible: false });
    const d = e2.schedule(firm, NIGHT);
    if (d.outcome === "placed") e2.state.reserve(firm, d.placement);
    const r = e2.schedule(inference(10), NIGHT);
    expect(r.outcome).toBe("unschedulable");
    expect(r.receipt.summary).toContain("Capacity");
  });
});

describe("fair sharing", () => {
  it("gives two tenants flooding one cluster shares in proportion to their weights", () => {
    const engine = new Engine(defaultMarket());
    for (let i = 0; i < 6; i++) engine.state.upsertNode(node(`n${i}`, "guian", "ascend-910b", 8));
    const weights: Record<string, number> = { heavy: 2, light: 1 };
    const queue = new SchedulingQueue((t) => weights[t] ?? 1);
    for (let i = 0; i < 100; i++) {
      queue.add(job({ jobId: `h${i}`, tenantId: "heavy", submitMs: i }));
      queue.add(job({ jobId: `l${i}`, tenantId: "light", submitMs: i }));
    }
    const held = new Map<string, number>();
    const order = queue.order(NIGHT, held);
    let next = order.next();
    while (!next.done) {
      const j = next.value;
      const d = engine.schedule(j, NIGHT);
      const placed = d.outcome === "placed";
      if (placed) {
        engine.state.reserve(j, d.placement);
        queue.remove(j.jobId);
      }
      next = order.next(placed);
    }
    // 48 devices, one each: 32 for the tenant with weight 2, 16 for the other.
    expect(held.get("heavy")).toBe(32);
    expect(held.get("light")).toBe(16);
  });

  it("runs higher priorities first", () => {
    const queue = new SchedulingQueue();
    queue.add(job({ jobId: "low", priority: 10, submitMs: 1 }));
    queue.add(job({ jobId: "high", priority: 100, submitMs: 2 }));
    expect(queue.order(NIGHT, new Map()).next().value?.jobId).toBe("high");
  });
});

describe("time shifting", () => {
  const at = (iso: string) => Date.parse(iso);

  it("a deferrable training job waits for the cheap, green night and still starts before its deadline", () => {
    const engine = new Engine(defaultMarket());
    engine.state.upsertNode(node("g1", "guian", "nvidia-h100-sxm", 8));
    // ~2 h on 8 H100s; submitted at 17:00 CST (peak), due by 08:00 the next morning.
    const now = at("2026-12-01T17:00:00+08:00");
    const deadline = at("2026-12-02T08:00:00+08:00");
    const j = job({ jobId: "deferrable", devicesPerReplica: 8, sizeMst: 1_140_000_000_000n, deadlineMs: deadline });
    const d = engine.schedule(j, now);
    expect(d.outcome).toBe("wait");
    if (d.outcome !== "wait") return;
    const startHour = new Date(d.untilMs + 8 * 3_600_000).getUTCHours();
    expect(startHour === 23 || startHour < 7).toBe(true);
    const durationMs = (1_140_000_000 / (19_788 * 8)) * 1000;
    expect(d.untilMs + durationMs).toBeLessThanOrEqual(deadline);
    expect(d.receipt.summary).toMatch(/waiting until \d\d:00 CST in guian: electricity \d+ % cheaper/);
    // At that hour it is placed.
    expect(engine.schedule(j, d.untilMs).outcome).toBe("placed");
  });

  it("never waits past its deadline, and never waits without one", () => {
    const engine = new Engine(defaultMarket());
    engine.state.upsertNode(node("g1", "guian", "nvidia-h100-sxm", 8));
    const now = at("2026-12-01T17:00:00+08:00");
    const tight = job({ jobId: "tight", devicesPerReplica: 8, sizeMst: 1_140_000_000_000n, deadlineMs: now + 3 * 3_600_000 });
    expect(engine.schedule(tight, now).outcome).toBe("placed");
    expect(engine.schedule(job({ jobId: "free", devicesPerReplica: 8 }), now).outcome).toBe("placed");
  });
});

describe("receipts", () => {
  it("say which filter removed how many nodes, and why a job is pending", () => {
    const engine = new Engine(defaultMarket());
    engine.state.upsertNode(node("w", "horinger", "nvidia-h100-sxm", 8));
    engine.state.upsertNode(node("e", "yangtze-delta", "ascend-910b", 8));
    const d = engine.schedule(
      job({ jobId: "x", kind: "INFERENCE", origin: "guangzhou", maxLatencyMs: 15, softwareStacks: ["cuda"] }),
      NIGHT,
    );
    expect(d.outcome).toBe("unschedulable");
    expect(d.receipt.filters).toEqual([
      { plugin: "SoftwareStack", nodes: 1, reason: "runs cann, not cuda" },
      { plugin: "Latency", nodes: 1, reason: expect.stringMatching(/ms from guangzhou, over the 15 ms bound/) as unknown as string },
    ]);
    expect(d.receipt.summary).toMatch(/^no node fits \(and none will: change the job\)/);
  });

  it("record the chosen node's scores and the runners-up", () => {
    const engine = new Engine(defaultMarket());
    for (const [i, c] of ["horinger", "yangtze-delta", "guian"].entries()) engine.state.upsertNode(node(`n${i}`, c, "nvidia-h100-sxm", 8));
    const d = engine.schedule(job({ jobId: "y", devicesPerReplica: 8 }), NIGHT);
    expect(d.outcome).toBe("placed");
    expect(d.receipt.chosen).toMatchObject({ cluster: "horinger", nodeIds: ["n0"] });
    expect(Object.keys(d.receipt.chosen!.scores).sort()).toEqual(["Cost", "Green", "Packing"]);
    expect(d.receipt.runnersUp.length).toBe(2);
    expect(d.receipt.runnersUp[0]!.total).toBeLessThanOrEqual(d.receipt.chosen!.total);
  });
});

describe("reserve and bind extension points", () => {
  it("undo capacity and earlier plugins when a reserve plugin refuses, and bind through the first plugin that does not skip", () => {
    const log: string[] = [];
    const engine = new Engine(defaultMarket(), undefined, undefined, {
      reserve: [
        {
          name: "Audit",
          reserve: (j) => (log.push(`reserve ${j.jobId}`), { code: "Success" }),
          unreserve: (j) => void log.push(`unreserve ${j.jobId}`),
        },
        {
          name: "Quota",
          reserve: (j) => (j.tenantId === "broke" ? { code: "Unschedulable", reason: "over quota" } : { code: "Success" }),
          unreserve: () => {},
        },
      ],
      bind: [
        { name: "Elsewhere", bind: () => ({ code: "Skip" }) },
        { name: "Here", bind: (j) => (log.push(`bind ${j.jobId}`), { code: "Success" }) },
      ],
    });
    engine.state.upsertNode(node("n", "guian", "ascend-910b", 8));
    const ok = job({ jobId: "ok", devicesPerReplica: 2 });
    const d = engine.schedule(ok, NIGHT);
    if (d.outcome !== "placed") throw new Error("setup");
    expect(engine.reserve(ok, d.placement).code).toBe("Success");
    expect(engine.bind(ok, d.placement).code).toBe("Success");
    const broke = job({ jobId: "broke", tenantId: "broke", devicesPerReplica: 2 });
    const d2 = engine.schedule(broke, NIGHT);
    if (d2.outcome !== "placed") throw new Error("setup");
    expect(engine.reserve(broke, d2.placement)).toEqual({ code: "Unschedulable", reason: "over quota" });
    expect(engine.state.nodes.get("n")!.freeWhole).toBe(6);
    engine.unreserve("ok");
    engine.unreserve("ok");
    expect(engine.state.nodes.get("n")!.freeWhole).toBe(8);
    expect(log).toEqual(["reserve ok", "bind ok", "reserve broke", "unreserve broke", "unreserve ok"]);
  });
});
