/**
 * The matching engine. For one job: pre-filter, then filters over profile
 * buckets (not nodes), then the capacity index for the best node of each
 * surviving bucket, then scores normalised to [0, 100] and weighted by the
 * profile. Gangs are placed all in one cluster or not at all; a job that
 * cannot fit may preempt lower-priority preemptible work; work with a
 * deadline may wait for a cheaper or greener hour. Every decision comes with
 * a receipt. Pure: no I/O, the clock is an argument.
 */
import { hourOfDayCst, type MarketModel } from "@tokengrid/domain";
import { PLUGINS } from "../plugins/index.js";
import { jobClassOf, speedOf, unitAt } from "../plugins/estimate.js";
import {
  CycleState,
  isFilter,
  isPreFilter,
  isScore,
  Memo,
  normalize,
  PluginTimings,
  SUCCESS,
  type BindPlugin,
  type Context,
  type FilterPlugin,
  type Plugin,
  type ReservePlugin,
  type ScorePlugin,
  type Status,
} from "./framework.js";
import { DEFAULT_PROFILE, type SchedulingProfile } from "./profile.js";
import { ClusterState, type Bucket, type Fit, type NodeCapacity } from "./state.js";
import { quoteNodes, type QuoteExclusion, type QuoteNode, type QuoteOption } from "./quote.js";
import type { JobRequest, NodeProfile, Placement, ReplicaPlacement } from "./types.js";

export interface FilterRecord {
  readonly plugin: string;
  /** Nodes this step removed. */
  readonly nodes: number;
  /** The first reason it gave. */
  readonly reason: string;
}

export interface Candidate {
  readonly cluster: string;
  readonly deviceModel: string;
  readonly nodeIds: readonly string[];
  readonly total: number;
  readonly scores: Readonly<Record<string, number>>;
}

export interface Receipt {
  readonly timeMs: number;
  readonly profile: string;
  readonly nodesConsidered: number;
  readonly filters: readonly FilterRecord[];
  readonly chosen?: Candidate;
  readonly runnersUp: readonly Candidate[];
  readonly summary: string;
}

export type Decision =
  | { readonly outcome: "placed"; readonly placement: Placement; readonly receipt: Receipt }
  | { readonly outcome: "preempt"; readonly placement: Placement; readonly victims: readonly string[]; readonly receipt: Receipt }
  | { readonly outcome: "wait"; readonly untilMs: number; readonly receipt: Receipt }
  | { readonly outcome: "unschedulable"; readonly resolvable: boolean; readonly receipt: Receipt };

interface Scored {
  readonly bucket: Bucket;
  readonly fit: Fit;
  total: number;
  /** Profile-level scores by plugin (shared by the bucket's nodes). */
  readonly scores: Readonly<Record<string, number>>;
  /** The node's packing score, 0..100. */
  readonly packing: number;
}

const CAPACITY = "Capacity";
const EQUIVALENCE_LIMIT = 10_000;
/** How many nodes with preemptible work a preemption looks at before settling for the best found. */
const PREEMPTION_SCAN_LIMIT = 1024;

interface ScoredBucket {
  readonly bucket: Bucket;
  /** Weighted profile-level score, before packing. */
  readonly total: number;
  readonly scores: Readonly<Record<string, number>>;
}

interface Filtered {
  /** Buckets that passed every filter, best profile score first. */
  readonly survivors: readonly ScoredBucket[];
  readonly records: readonly FilterRecord[];
  readonly resolvable: boolean;
}

export class Engine {
  readonly state = new ClusterState();
  readonly timings = new PluginTimings();
  private readonly memo = new Memo();
  private readonly filters: FilterPlugin[];
  private readonly scorers: { plugin: ScorePlugin; weight: number }[];
  private readonly preFilters: Plugin[];
  private readonly equivalence = new Map<string, Filtered>();
  /** Decisions that reused an equivalent job's filtering. */
  equivalenceHits = 0;

  private readonly reservePlugins: ReservePlugin[];
  private readonly bindPlugins: BindPlugin[];

  constructor(
    readonly market: MarketModel,
    readonly profile: SchedulingProfile = DEFAULT_PROFILE,
    plugins: ReadonlyMap<string, Plugin> = PLUGINS,
    extensions: { reserve?: ReservePlugin[]; bind?: BindPlugin[] } = {},
  ) {
    this.reservePlugins = extensions.reserve ?? [];
    this.bindPlugins = extensions.bind ?? [];
    const get = (name: string) => {
      const p = plugins.get(name);
      if (!p) throw new Error(`profile ${profile.name}: unknown plugin ${name}; known: ${[...plugins.keys()].join(", ")}`);
      return p;
    };
    this.filters = profile.filters.map(get).map((p) => {
      if (!isFilter(p)) throw new Error(`profile ${profile.name}: ${p.name} is not a filter plugin`);
      return p;
    });
    this.scorers = profile.scores.map(({ name, weight }) => {
      const p = get(name);
      if (!isScore(p)) throw new Error(`profile ${profile.name}: ${name} is not a score plugin`);
      return { plugin: p, weight };
    });
    this.preFilters = [...new Set([...this.filters, ...this.scorers.map((s) => s.plugin)])].filter(isPreFilter);
  }

  /**
   * Reserve: takes the placement's capacity, then runs the reserve plugins;
   * if one fails, everything done so far is undone and its status returned.
   */
  reserve(job: JobRequest, placement: Placement): Status {
    this.state.reserve(job, placement);
    const done: ReservePlugin[] = [];
    for (const p of this.reservePlugins) {
      const st = p.reserve(job, placement);
      if (st.code !== "Success" && st.code !== "Skip") {
        for (const q of done.reverse()) q.unreserve(job, placement);
        this.state.unreserve(placement.jobId);
        return st;
      }
      done.push(p);
    }
    return SUCCESS;
  }

  /** Unreserve: idempotent, and safe when reserve never ran. */
  unreserve(jobId: string): void {
    const r = this.state.reservation(jobId);
    if (!r) return;
    for (const p of [...this.reservePlugins].reverse()) p.unreserve(r.job, r.placement);
    this.state.unreserve(jobId);
  }

  /** Bind: hands the reserved placement to the bind plugins; the first that does not skip binds it. */
  bind(job: JobRequest, placement: Placement): Status {
    for (const p of this.bindPlugins) {
      const st = p.bind(job, placement);
      if (st.code !== "Skip") return st;
    }
    return SUCCESS;
  }

  /**
   * Ranked options for a job on these nodes, from `startMs`, with the same
   * filters as placement (evaluated at the start hour).
   */
  quote(job: JobRequest, nodes: Iterable<QuoteNode>, startMs: number): { options: QuoteOption[]; exclusions: QuoteExclusion[] } {
    const ctx = this.context(job, startMs);
    const skip = new Set(this.preFilters.filter((p) => isPreFilter(p) && p.preFilter(ctx, job).code === "Skip").map((p) => p.name));
    return quoteNodes(
      ctx,
      job,
      this.filters.filter((f) => !skip.has(f.name)),
      nodes,
    );
  }

  /** A device's speed for the job on a profile, ST/s (catalogue or calibration), or undefined. */
  speed(job: JobRequest, profile: NodeProfile, nowMs: number): number | undefined {
    return speedOf(this.context(job, nowMs), job, profile);
  }

  context(job: JobRequest, nowMs: number): Context {
    const hour = hourOfDayCst(nowMs);
    const jobClass = jobClassOf(job);
    return {
      market: this.market,
      nowMs,
      hour,
      state: new CycleState(),
      memo: this.memo,
      keys: { speed: `speed|${jobClass}`, unit: `unit|${jobClass}|${hour}`, rtt: `rtt|${job.origin}` },
    };
  }

  /** Decides where a job goes now; reserves nothing (the caller reserves what it binds). */
  schedule(job: JobRequest, nowMs: number): Decision {
    const ctx = this.context(job, nowMs);
    const skip = new Set<string>();
    for (const p of this.preFilters) {
      if (!isPreFilter(p)) continue;
      const st = p.preFilter(ctx, job);
      if (st.code === "Skip") skip.add(p.name);
      else if (st.code !== "Success")
        return this.unschedulable(
          ctx,
          job,
          [{ plugin: p.name, nodes: this.state.nodes.size, reason: st.reason ?? "" }],
          st.code !== "UnschedulableAndUnresolvable",
        );
    }

    // Filters and profile scores, bucket by bucket, or the answer for an equivalent job.
    const f = this.filterBuckets(ctx, job, skip);
    const records = [...f.records];

    // Capacity from the index, best buckets first; stop once no later bucket can win.
    const t0 = performance.now();
    const maxPacking = 100 * this.profile.packingWeight;
    const examined: Scored[] = [];
    let best: Scored | undefined;
    let noRoom = 0;
    for (const sb of f.survivors) {
      // Past the winner, a few more buckets are looked at for the receipt's runners-up.
      if (best && job.replicas <= 1 && sb.total + maxPacking < best.total && examined.length >= 4) break;
      const fit = this.state.bestFit(sb.bucket, job, this.profile.packing);
      if (!fit) {
        noRoom += sb.bucket.nodes.size;
        continue;
      }
      const packing = this.profile.packing === "binpack" ? fit.packing : 100 - fit.packing;
      const c: Scored = {
        bucket: sb.bucket,
        fit,
        total: sb.total + this.profile.packingWeight * packing,
        scores: sb.scores,
        packing,
      };
      examined.push(c);
      if (!best || c.total > best.total) best = c;
    }
    this.timings.add(CAPACITY, performance.now() - t0);
    if (noRoom > 0) records.push({ plugin: CAPACITY, nodes: noRoom, reason: capacityReason(job) });

    if (!best) {
      if (f.survivors.length > 0) {
        const pre = this.preempt(
          ctx,
          job,
          f.survivors.map((x) => x.bucket),
          records,
        );
        if (pre) return pre;
      }
      return this.unschedulable(ctx, job, records, f.resolvable || f.survivors.length > 0);
    }
    examined.sort((a, b) => b.total - a.total);

    let placement: Placement | undefined;
    let chosen: Scored | undefined;
    if (job.replicas <= 1) {
      chosen = best;
      placement = { jobId: job.jobId, replicas: [replicaOf(best.fit)] };
    } else {
      const tried = new Set<string>();
      for (const c of examined) {
        const cluster = c.bucket.profile.cluster;
        if (tried.has(cluster)) continue;
        tried.add(cluster);
        const replicas = this.placeGang(
          job,
          examined.filter((x) => x.bucket.profile.cluster === cluster),
        );
        if (replicas) {
          chosen = c;
          placement = { jobId: job.jobId, replicas };
          break;
        }
      }
      if (!placement) {
        records.push({ plugin: "Gang", nodes: 0, reason: `no single cluster has room for all ${job.replicas} replicas` });
        return this.unschedulable(ctx, job, records, true);
      }
    }

    const receipt = this.receipt(ctx, job, records, chosen, examined.filter((c) => c !== chosen).slice(0, 3), placement);
    const wait = this.timeShift(ctx, job, chosen!.bucket, receipt);
    if (wait) return wait;
    return { outcome: "placed", placement, receipt };
  }

  /**
   * Runs the filters over every bucket, then the score plugins over the
   * survivors, normalised over them and weighted: survivors come back best
   * first. Jobs alike in everything the filters and scores read (an
   * equivalence class, as the Kubernetes scheduler once cached) share the
   * answer until the hour changes or buckets come or go.
   */
  private filterBuckets(ctx: Context, job: JobRequest, skip: ReadonlySet<string>): Filtered {
    const key = [
      this.state.version,
      ctx.hour,
      ctx.keys.speed,
      job.memoryMbPerDevice,
      job.slice?.memoryMb ?? 0,
      job.softwareStacks.join(","),
      job.origin,
      job.maxLatencyMs,
      job.allowedClusters.join(","),
      job.minGreenShare,
      job.maxPricePerMillionSt,
      job.command ? "process" : "simulated",
    ].join("|");
    const hit = this.equivalence.get(key);
    if (hit) {
      this.equivalenceHits += 1;
      return hit;
    }
    const records: FilterRecord[] = [];
    let survivors = [...this.state.buckets.values()];
    let resolvable = false;
    for (const f of this.filters) {
      if (skip.has(f.name)) continue;
      const t0 = performance.now();
      const next: Bucket[] = [];
      let removed = 0;
      let reason = "";
      for (const b of survivors) {
        const st = f.filter(ctx, job, b.profile);
        if (st.code === "Success" || st.code === "Skip") next.push(b);
        else {
          removed += b.nodes.size;
          reason ||= st.reason ?? "";
          if (st.code !== "UnschedulableAndUnresolvable") resolvable = true;
        }
      }
      this.timings.add(f.name, performance.now() - t0);
      if (removed > 0) records.push({ plugin: f.name, nodes: removed, reason });
      survivors = next;
    }
    const scored = this.scoreProfiles(
      ctx,
      job,
      survivors.map((b) => b.profile),
      skip,
    ).map((s, i) => ({ bucket: survivors[i]!, ...s }));
    scored.sort((a, b) => b.total - a.total);
    const out: Filtered = { survivors: scored, records, resolvable };
    if (this.equivalence.size >= EQUIVALENCE_LIMIT) this.equivalence.clear();
    this.equivalence.set(key, out);
    return out;
  }

  /** Profile-level scores: each plugin's raw scores normalised to [0, 100] over these profiles, weighted. */
  private scoreProfiles(
    ctx: Context,
    job: JobRequest,
    profiles: readonly NodeProfile[],
    skip: ReadonlySet<string>,
  ): { total: number; scores: Record<string, number> }[] {
    const out = profiles.map(() => ({ total: 0, scores: {} as Record<string, number> }));
    for (const { plugin, weight } of this.scorers) {
      if (skip.has(plugin.name) || weight === 0) continue;
      const t0 = performance.now();
      const norm = normalize(
        profiles.map((p) => plugin.score(ctx, job, p)),
        plugin.better,
      );
      for (let i = 0; i < out.length; i++) {
        out[i]!.scores[plugin.name] = norm[i]!;
        out[i]!.total += weight * norm[i]!;
      }
      this.timings.add(plugin.name, performance.now() - t0);
    }
    return out;
  }

  /**
   * The baseline the index is measured against: the same plugins run over
   * every node, one by one (single replica; no gang, preemption or waiting).
   * Scores are normalised over the nodes that pass the filters, which gives
   * the same values as normalising over their profiles.
   */
  scheduleNaive(job: JobRequest, nowMs: number): { placement: Placement; total: number } | undefined {
    const ctx = this.context(job, nowMs);
    const skip = new Set<string>();
    for (const p of this.preFilters) if (isPreFilter(p) && p.preFilter(ctx, job).code === "Skip") skip.add(p.name);
    const passed: NodeCapacity[] = [];
    for (const cap of this.state.nodes.values()) {
      let ok = true;
      for (const f of this.filters) {
        if (skip.has(f.name)) continue;
        const st = f.filter(ctx, job, cap.profile);
        if (st.code !== "Success" && st.code !== "Skip") {
          ok = false;
          break;
        }
      }
      if (ok) passed.push(cap);
    }
    const scores = this.scoreProfiles(
      ctx,
      job,
      passed.map((c) => c.profile),
      skip,
    );
    let best: { fit: Fit; total: number } | undefined;
    for (let i = 0; i < passed.length; i++) {
      const fit = this.state.fitOnNode(passed[i]!, job);
      if (!fit) continue;
      const packing = this.profile.packing === "binpack" ? fit.packing : 100 - fit.packing;
      const total = scores[i]!.total + this.profile.packingWeight * packing;
      if (!best || total > best.total) best = { fit, total };
    }
    return best ? { placement: { jobId: job.jobId, replicas: [replicaOf(best.fit)] }, total: best.total } : undefined;
  }

  /** All replicas in the cluster of these candidates, best buckets first, or undefined. */
  private placeGang(job: JobRequest, inCluster: readonly Scored[]): ReplicaPlacement[] | undefined {
    const taken: string[] = [];
    const replicas: ReplicaPlacement[] = [];
    try {
      for (const c of inCluster) {
        while (replicas.length < job.replicas) {
          const fit = this.state.bestFit(c.bucket, job, this.profile.packing);
          if (!fit) break;
          const r = replicaOf(fit);
          const tmp = `${job.jobId}#gang${replicas.length}`;
          this.state.reserve(job, { jobId: tmp, replicas: [r] });
          taken.push(tmp);
          replicas.push(r);
        }
        if (replicas.length === job.replicas) return replicas;
      }
      return undefined;
    } finally {
      for (const t of taken) this.state.unreserve(t);
    }
  }

  /**
   * When nothing has room: the node where stopping the fewest preemptible,
   * lower-priority jobs makes room, if any.
   */
  private preempt(ctx: Context, job: JobRequest, survivors: readonly Bucket[], records: readonly FilterRecord[]): Decision | undefined {
    if (job.replicas > 1 || !this.state.hasPreemptibleBelow(job.priority)) return undefined;
    let best: { victims: string[]; worst: number; fit: Fit; bucket: Bucket } | undefined;
    const eligible = new Set(survivors);
    let scanned = 0;
    for (const nodeId of this.state.nodesWithReservations()) {
      const cap = this.state.nodes.get(nodeId);
      if (!cap || !eligible.has(cap.bucket)) continue;
      if (++scanned > PREEMPTION_SCAN_LIMIT) break;
      const b = cap.bucket;
      {
        const running = this.state
          .reservationsOn(cap.nodeId)
          .filter((r) => r.job.preemptible && r.job.priority < job.priority)
          .sort((x, y) => x.job.priority - y.job.priority);
        if (running.length === 0) continue;
        const released: { placement: Placement; job: JobRequest }[] = [];
        let fit: Fit | undefined;
        for (const r of running) {
          this.state.unreserve(r.placement.jobId);
          released.push(r);
          fit = this.state.fitOnNode(cap, job);
          if (fit) break;
        }
        for (const r of released) this.state.reserve(r.job, r.placement);
        if (!fit) continue;
        const victims = released.map((r) => r.placement.jobId);
        const worst = Math.max(...released.map((r) => r.job.priority));
        if (!best || victims.length < best.victims.length || (victims.length === best.victims.length && worst < best.worst)) {
          best = { victims, worst, fit: { ...fit, deviceIndices: [...fit.deviceIndices] }, bucket: b };
        }
      }
    }
    if (!best) return undefined;
    const placement: Placement = { jobId: job.jobId, replicas: [replicaOf(best.fit)] };
    const chosen: Scored = { bucket: best.bucket, fit: best.fit, total: 0, scores: {}, packing: best.fit.packing };
    const receipt = this.receipt(
      ctx,
      job,
      records,
      chosen,
      [],
      placement,
      `preempts ${best.victims.join(", ")} (lower priority, preemptible) to make room`,
    );
    return { outcome: "preempt", placement, victims: best.victims, receipt };
  }

  /**
   * Work with a deadline may wait for a cheaper (and greener) hour that the
   * forecast shows, as long as it still ends by the deadline.
   */
  private timeShift(ctx: Context, job: JobRequest, bucket: Bucket, receipt: Receipt): Decision | undefined {
    if (job.deadlineMs <= 0 || job.kind === "INFERENCE") return undefined;
    const speed = speedOf(ctx, job, bucket.profile);
    if (!speed) return undefined;
    const devices = job.replicas * (job.slice ? 1 : Math.max(1, job.devicesPerReplica));
    const durationMs = ((Number(job.sizeMst) / 1000 / (speed * devices)) * 1000) | 0;
    const now = unitAt(ctx, job, bucket.profile);
    if (!now) return undefined;
    let best = { startMs: ctx.nowMs, yuanPerSt: now.yuanPerSt, green: now.greenShare };
    const hourMs = 3_600_000;
    const firstHour = Math.ceil(ctx.nowMs / hourMs) * hourMs;
    for (let start = firstHour; start + durationMs <= job.deadlineMs && start < ctx.nowMs + 48 * hourMs; start += hourMs) {
      const u = unitAt(ctx, job, bucket.profile, hourOfDayCst(start));
      if (!u) continue;
      if (u.yuanPerSt < best.yuanPerSt - 1e-15 || (u.yuanPerSt === best.yuanPerSt && u.greenShare > best.green))
        best = { startMs: start, yuanPerSt: u.yuanPerSt, green: u.greenShare };
    }
    if (best.startMs === ctx.nowMs) return undefined;
    const bestUnit = unitAt(ctx, job, bucket.profile, hourOfDayCst(best.startMs))!;
    const saving = now.energyYuanPerSt > 0 ? 1 - bestUnit.energyYuanPerSt / now.energyYuanPerSt : 0;
    const greener = best.green - now.greenShare;
    if (saving < this.profile.timeShiftMinSaving && greener < this.profile.timeShiftMinGreenGain) return undefined;
    const at = new Date(best.startMs + 8 * hourMs).toISOString().slice(11, 16);
    return {
      outcome: "wait",
      untilMs: best.startMs,
      receipt: {
        ...receipt,
        summary: `waiting until ${at} CST in ${bucket.profile.cluster}: electricity ${(saving * 100).toFixed(0)} % cheaper and ${(best.green * 100).toFixed(0)} % green (now ${(now.greenShare * 100).toFixed(0)} %), still done before the deadline`,
      },
    };
  }

  private unschedulable(ctx: Context, job: JobRequest, records: readonly FilterRecord[], resolvable: boolean): Decision {
    const total = this.state.nodes.size;
    const parts = records
      .filter((r) => r.nodes > 0 || r.plugin === "Gang")
      .map((r) => (r.plugin === "Gang" ? r.reason : `${r.nodes} ${r.plugin}: ${r.reason}`));
    const summary =
      total === 0
        ? "no nodes are online"
        : `no node fits ${resolvable ? "yet" : "(and none will: change the job)"}: ${parts.join("; ") || "no node passed"}`;
    return {
      outcome: "unschedulable",
      resolvable: total === 0 || resolvable,
      receipt: { timeMs: ctx.nowMs, profile: this.profile.name, nodesConsidered: total, filters: records, runnersUp: [], summary },
    };
  }

  private receipt(
    ctx: Context,
    job: JobRequest,
    records: readonly FilterRecord[],
    chosen: Scored | undefined,
    runnersUp: Scored[],
    placement: Placement,
    why?: string,
  ): Receipt {
    const asCandidate = (c: Scored, nodeIds: readonly string[]): Candidate => ({
      cluster: c.bucket.profile.cluster,
      deviceModel: c.bucket.profile.device.id,
      nodeIds,
      total: Math.round(c.total),
      scores: { ...c.scores, Packing: c.packing },
    });
    const nodeIds = [...new Set(placement.replicas.map((r) => r.nodeId))];
    const c = chosen ? asCandidate(chosen, nodeIds) : undefined;
    const unit = chosen ? unitAt(ctx, job, chosen.bucket.profile) : undefined;
    const price = unit
      ? `, ${(unit.yuanPerSt * 1e6).toPrecision(3)} yuan per million ST at this hour, ${(unit.greenShare * 100).toFixed(0)} % green`
      : "";
    return {
      timeMs: ctx.nowMs,
      profile: this.profile.name,
      nodesConsidered: this.state.nodes.size,
      filters: records,
      ...(c ? { chosen: c } : {}),
      runnersUp: runnersUp.map((r) => asCandidate(r, [r.fit.node.nodeId])),
      summary: why ?? `placed on ${nodeIds.join(", ")} in ${c?.cluster} (${c?.deviceModel}), score ${c?.total}${price}`,
    };
  }
}

function replicaOf(fit: Fit): ReplicaPlacement {
  return fit.slice
    ? { nodeId: fit.node.nodeId, deviceIndices: fit.deviceIndices, slice: fit.slice }
    : { nodeId: fit.node.nodeId, deviceIndices: fit.deviceIndices };
}

function capacityReason(job: JobRequest): string {
  if (job.slice) return `no device has ${job.slice.computePercent} % compute and ${job.slice.memoryMb} MB free`;
  return `fewer than ${Math.max(1, job.devicesPerReplica)} whole device(s) free`;
}
