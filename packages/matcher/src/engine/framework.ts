/**
 * The plugin framework, after the Kubernetes scheduler framework: one tiny
 * base interface and one interface per extension point. Expected rejections
 * are statuses with reasons (what a tenant reads when asking why a job is
 * pending), never exceptions. Scores are integers in [0, 100]; weights come
 * from the profile.
 */
import type { MarketModel } from "@tokengrid/domain";
import type { JobRequest, NodeProfile, Placement } from "./types.js";

export type Code = "Success" | "Unschedulable" | "UnschedulableAndUnresolvable" | "Error" | "Skip" | "Wait";

export interface Status {
  readonly code: Code;
  readonly reason?: string;
}

export const SUCCESS: Status = { code: "Success" };
export const SKIP: Status = { code: "Skip" };
export const unschedulable = (reason: string): Status => ({ code: "Unschedulable", reason });
export const unresolvable = (reason: string): Status => ({ code: "UnschedulableAndUnresolvable", reason });

/** Per-decision scratch state, keyed by plugin name. */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  write(key: string, value: unknown): void {
    this.data.set(key, value);
  }
}

/**
 * Results that depend only on a profile, a class of job and an hour (speed,
 * unit price, green share), kept for the engine's lifetime so that a decision
 * costs lookups, not arithmetic.
 */
export class Memo {
  private readonly byProfile = new WeakMap<object, Map<string, unknown>>();
  get<T>(profile: object, key: string, compute: () => T): T {
    let m = this.byProfile.get(profile);
    if (!m) this.byProfile.set(profile, (m = new Map()));
    if (m.has(key)) return m.get(key) as T;
    const v = compute();
    m.set(key, v);
    return v;
  }
}

/** What every plugin sees of the world: the market model and the time of the decision. */
export interface Context {
  readonly market: MarketModel;
  readonly nowMs: number;
  /** Hour of day (CST) of nowMs. */
  readonly hour: number;
  readonly state: CycleState;
  readonly memo: Memo;
  /** Memo keys for this job class at this hour, built once per decision. */
  readonly keys: { readonly speed: string; readonly unit: string; readonly rtt: string };
}

export interface Plugin {
  readonly name: string;
}

/** Runs once per job before any node is looked at; may reject the job outright or skip the plugin. */
export interface PreFilterPlugin extends Plugin {
  preFilter(ctx: Context, job: JobRequest): Status;
}

/**
 * Filters on what a node is (its profile), not on what it has free: the
 * indexed engine evaluates it once per profile bucket, the naive one per node.
 */
export interface FilterPlugin extends Plugin {
  filter(ctx: Context, job: JobRequest, node: NodeProfile): Status;
}

/** Scores a profile; higher is better. Normalised to [0, 100] over the candidates by normalize. */
export interface ScorePlugin extends Plugin {
  score(ctx: Context, job: JobRequest, node: NodeProfile): number;
  /** "higher" keeps higher raw scores better; "lower" flips them (latency, price). */
  readonly better: "higher" | "lower";
}

/**
 * Runs when a placement is reserved (after the capacity itself is taken) and
 * undoes its work on unreserve. Unreserve must be idempotent and safe when
 * reserve never ran.
 */
export interface ReservePlugin extends Plugin {
  reserve(job: JobRequest, placement: Placement): Status;
  unreserve(job: JobRequest, placement: Placement): void;
}

/** Hands a reserved placement to whoever runs it (the broker sends it down the agents' streams). */
export interface BindPlugin extends Plugin {
  bind(job: JobRequest, placement: Placement): Status;
}

export function isPreFilter(p: Plugin): p is PreFilterPlugin {
  return typeof (p as PreFilterPlugin).preFilter === "function";
}
export function isFilter(p: Plugin): p is FilterPlugin {
  return typeof (p as FilterPlugin).filter === "function";
}
export function isScore(p: Plugin): p is ScorePlugin {
  return typeof (p as ScorePlugin).score === "function";
}

/** Min-max normalisation of raw scores to integers in [0, 100]. */
export function normalize(raw: readonly number[], better: "higher" | "lower"): number[] {
  if (raw.length === 0) return [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of raw) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) return raw.map(() => 100);
  return raw.map((v) => {
    const x = (v - lo) / (hi - lo);
    return Math.round(100 * (better === "higher" ? x : 1 - x));
  });
}

/** Time spent per plugin, in ms, across decisions. */
export class PluginTimings {
  readonly totalMs = new Map<string, number>();
  readonly calls = new Map<string, number>();
  add(name: string, ms: number): void {
    this.totalMs.set(name, (this.totalMs.get(name) ?? 0) + ms);
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
  }
}
