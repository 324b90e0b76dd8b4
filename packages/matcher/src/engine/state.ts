/**
 * Capacity, indexed. Nodes are grouped in buckets of one profile (same
 * cluster, device, size and energy); within a bucket, nodes are indexed by how
 * many whole devices they have free, and nodes with a partly used device are
 * kept apart for slices. Reserve and unreserve keep the index exact, so a
 * decision touches a few nodes per bucket, not every node.
 */
import {
  deviceEquivalents,
  profileKey,
  type JobRequest,
  type NodeProfile,
  type NodeSpec,
  type Placement,
  type ReplicaPlacement,
  type Slice,
} from "./types.js";

/**
 * A set of nodes with O(1) add, remove and first: an array with swap-remove,
 * each node remembering its slot. (A JS Set slows down to O(deletions) when
 * iterated from the start after heavy churn.)
 */
export class Pool {
  readonly items: NodeCapacity[] = [];
  constructor(private readonly slot: "freeSlot" | "fragSlot") {}
  get size(): number {
    return this.items.length;
  }
  add(cap: NodeCapacity): void {
    cap[this.slot] = this.items.length;
    this.items.push(cap);
  }
  delete(cap: NodeCapacity): void {
    const i = cap[this.slot];
    if (i < 0 || this.items[i] !== cap) return;
    const last = this.items.pop()!;
    if (last !== cap) {
      this.items[i] = last;
      last[this.slot] = i;
    }
    cap[this.slot] = -1;
  }
  [Symbol.iterator](): Iterator<NodeCapacity> {
    return this.items[Symbol.iterator]();
  }
}

export class NodeCapacity {
  /** Position in its bucket's byFree pool, and in its fragmented pool (-1 = none). */
  freeSlot = -1;
  fragSlot = -1;
  /** Free compute per device, percent (100 = whole device free). */
  readonly compute: Uint8Array;
  /** Free memory per device, MB. */
  readonly memory: Float64Array;
  freeWhole: number;
  constructor(
    readonly nodeId: string,
    readonly profile: NodeProfile,
    readonly bucket: Bucket,
  ) {
    this.compute = new Uint8Array(profile.deviceCount).fill(100);
    this.memory = new Float64Array(profile.deviceCount).fill(profile.memoryMbPerDevice);
    this.freeWhole = profile.deviceCount;
  }
  isWhole(i: number): boolean {
    return this.compute[i] === 100 && this.memory[i] === this.profile.memoryMbPerDevice;
  }
  /**
   * The room left on the roomiest partly used device, as the lesser of its free
   * compute and free memory in percent (1..99); 0 when no partly used device
   * has room. A slice needing c % compute and m % memory fits on that device
   * whenever this is at least max(c, m).
   */
  get partialFree(): number {
    let best = 0;
    const total = this.profile.memoryMbPerDevice;
    for (let i = 0; i < this.compute.length; i++) {
      if (this.isWhole(i)) continue;
      const room = Math.min(this.compute[i]!, Math.floor((100 * this.memory[i]!) / total), 99);
      if (room > best) best = room;
    }
    return best;
  }
  /** Where this node sits in its bucket's slice index (0 = not there). */
  fragmentSlot = 0;
  /** Share of compute in use, 0..1. */
  usedShare(extraPercent = 0): number {
    let free = 0;
    for (const c of this.compute) free += c;
    return (this.compute.length * 100 - free + extraPercent) / (this.compute.length * 100);
  }
}

export class Bucket {
  readonly nodes = new Map<string, NodeCapacity>();
  /** byFree[k]: nodes with exactly k whole devices free. */
  readonly byFree: Pool[];
  /**
   * Nodes with a device partly used that still has compute free, by the most
   * compute free on such a device (1..99 %): where slices go first.
   */
  readonly fragmented: Pool[] = Array.from({ length: 100 }, () => new Pool("fragSlot"));
  constructor(
    readonly key: string,
    readonly profile: NodeProfile,
  ) {
    this.byFree = Array.from({ length: profile.deviceCount + 1 }, () => new Pool("freeSlot"));
  }

  /** Nodes that could host `devices` whole devices now. */
  countWithFree(devices: number): number {
    let n = 0;
    for (let k = devices; k < this.byFree.length; k++) n += this.byFree[k]!.size;
    return n;
  }
}

/** Where one replica would go: the node, its devices, and its packing score. */
export interface Fit {
  readonly node: NodeCapacity;
  readonly deviceIndices: number[];
  readonly slice?: Slice;
  /** 0..100: how full the node is after placing (binpack favours high, spread low). */
  readonly packing: number;
}

export type PackingMode = "binpack" | "spread";

/** How far a bucket's slice scan looks before it falls back to a whole free device. */
const SLICE_SCAN_LIMIT = 256;

export class ClusterState {
  readonly buckets = new Map<string, Bucket>();
  readonly nodes = new Map<string, NodeCapacity>();
  private readonly reservations = new Map<string, { placement: Placement; job: JobRequest }>();
  /** node id -> ids of the jobs reserved on it */
  private readonly byNode = new Map<string, Set<string>>();
  /** How many preemptible reservations there are at each priority. */
  private readonly preemptible = new Map<number, number>();
  /** Bumped whenever buckets appear or go, so cached bucket lists know they are stale. */
  version = 0;

  /** Adds a node, or replaces its profile (its reservations are kept if they still fit). */
  upsertNode(spec: NodeSpec): void {
    const existing = this.nodes.get(spec.nodeId);
    const key = profileKey(spec.profile);
    if (existing && existing.bucket.key === key) return;
    if (existing) this.removeNode(spec.nodeId);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      this.buckets.set(key, (bucket = new Bucket(key, spec.profile)));
      this.version += 1;
    }
    const cap = new NodeCapacity(spec.nodeId, bucket.profile, bucket);
    this.nodes.set(spec.nodeId, cap);
    bucket.nodes.set(spec.nodeId, cap);
    bucket.byFree[cap.freeWhole]!.add(cap);
    for (const { placement } of this.reservations.values()) {
      for (const r of placement.replicas) if (r.nodeId === spec.nodeId) this.apply(cap, r, -1);
    }
  }

  removeNode(nodeId: string): void {
    const cap = this.nodes.get(nodeId);
    if (!cap) return;
    cap.bucket.byFree[cap.freeWhole]!.delete(cap);
    if (cap.fragmentSlot > 0) cap.bucket.fragmented[cap.fragmentSlot]!.delete(cap);
    cap.bucket.nodes.delete(nodeId);
    if (cap.bucket.nodes.size === 0) {
      this.buckets.delete(cap.bucket.key);
      this.version += 1;
    }
    this.nodes.delete(nodeId);
  }

  reservation(jobId: string): { placement: Placement; job: JobRequest } | undefined {
    return this.reservations.get(jobId);
  }

  reservationsOn(nodeId: string): { placement: Placement; job: JobRequest }[] {
    return [...(this.byNode.get(nodeId) ?? [])].map((id) => this.reservations.get(id)!);
  }

  /** Device-equivalents each tenant holds now (the fair-share queue's measure). */
  heldByTenant(): Map<string, number> {
    const held = new Map<string, number>();
    for (const { job } of this.reservations.values()) held.set(job.tenantId, (held.get(job.tenantId) ?? 0) + deviceEquivalents(job));
    return held;
  }

  /** Whether any preemptible work runs below this priority (else preemption cannot help). */
  hasPreemptibleBelow(priority: number): boolean {
    for (const [p, n] of this.preemptible) if (p < priority && n > 0) return true;
    return false;
  }

  private countPreemptible(job: JobRequest, delta: 1 | -1): void {
    if (job.preemptible) this.preemptible.set(job.priority, (this.preemptible.get(job.priority) ?? 0) + delta);
  }

  /** Nodes with at least one reservation. */
  nodesWithReservations(): IterableIterator<string> {
    return this.byNode.keys();
  }

  /** Takes the capacity of a placement. Throws if it does not fit: the caller placed from a stale view. */
  reserve(job: JobRequest, placement: Placement): void {
    if (this.reservations.has(placement.jobId)) throw new Error(`job ${placement.jobId} is already reserved`);
    for (const r of placement.replicas) {
      const cap = this.nodes.get(r.nodeId);
      if (!cap || !this.fits(cap, r)) {
        // Roll back the replicas applied so far: all or nothing.
        for (const done of placement.replicas) {
          if (done === r) break;
          this.apply(this.nodes.get(done.nodeId)!, done, +1);
        }
        throw new Error(`placement of ${placement.jobId} on ${r.nodeId} does not fit`);
      }
      this.apply(cap, r, -1);
    }
    this.record(job, placement);
  }

  /** Keeps a reservation and indexes it by the nodes it uses. */
  private record(job: JobRequest, placement: Placement): void {
    this.reservations.set(placement.jobId, { placement, job });
    this.countPreemptible(job, 1);
    for (const r of placement.replicas) {
      let set = this.byNode.get(r.nodeId);
      if (!set) this.byNode.set(r.nodeId, (set = new Set()));
      set.add(placement.jobId);
    }
  }

  /**
   * Records a placement decided before (a restarted broker learning what runs
   * where): no fit check, applied to the nodes present now and to the others
   * when they are added.
   */
  restore(job: JobRequest, placement: Placement): void {
    if (this.reservations.has(placement.jobId)) return;
    this.record(job, placement);
    for (const r of placement.replicas) {
      const cap = this.nodes.get(r.nodeId);
      if (cap) this.apply(cap, r, -1);
    }
  }

  /** Gives back a job's capacity. Idempotent, and safe when reserve never ran. */
  unreserve(jobId: string): void {
    const r = this.reservations.get(jobId);
    if (!r) return;
    this.reservations.delete(jobId);
    this.countPreemptible(r.job, -1);
    for (const rep of r.placement.replicas) {
      const set = this.byNode.get(rep.nodeId);
      set?.delete(jobId);
      if (set?.size === 0) this.byNode.delete(rep.nodeId);
      const cap = this.nodes.get(rep.nodeId);
      if (cap) this.apply(cap, rep, +1);
    }
  }

  private fits(cap: NodeCapacity, r: ReplicaPlacement): boolean {
    for (const i of r.deviceIndices) {
      if (i >= cap.compute.length) return false;
      if (r.slice) {
        if (cap.compute[i]! < r.slice.computePercent || cap.memory[i]! < r.slice.memoryMb) return false;
      } else if (!cap.isWhole(i)) return false;
    }
    return new Set(r.deviceIndices).size === r.deviceIndices.length;
  }

  /** Applies a replica's use (sign -1) or release (+1), keeping the bucket index exact. */
  private apply(cap: NodeCapacity, r: ReplicaPlacement, sign: 1 | -1): void {
    const b = cap.bucket;
    b.byFree[cap.freeWhole]!.delete(cap);
    for (const i of r.deviceIndices) {
      if (r.slice) {
        cap.compute[i] = cap.compute[i]! + sign * r.slice.computePercent;
        cap.memory[i] = cap.memory[i]! + sign * r.slice.memoryMb;
      } else {
        cap.compute[i] = sign < 0 ? 0 : 100;
        cap.memory[i] = sign < 0 ? 0 : cap.profile.memoryMbPerDevice;
      }
    }
    let whole = 0;
    for (let i = 0; i < cap.compute.length; i++) if (cap.isWhole(i)) whole += 1;
    cap.freeWhole = whole;
    b.byFree[whole]!.add(cap);
    if (cap.fragmentSlot > 0) b.fragmented[cap.fragmentSlot]!.delete(cap);
    cap.fragmentSlot = cap.partialFree;
    if (cap.fragmentSlot > 0) b.fragmented[cap.fragmentSlot]!.add(cap);
  }

  /** The best place in a bucket for one replica of the job, by the packing mode, or undefined. */
  bestFit(bucket: Bucket, job: JobRequest, mode: PackingMode, exclude?: ReadonlySet<NodeCapacity>): Fit | undefined {
    if (job.slice) return this.bestSliceFit(bucket, job.slice, mode, exclude);
    const d = Math.max(1, job.devicesPerReplica);
    const n = bucket.profile.deviceCount;
    if (d > n) return undefined;
    const binpack = mode === "binpack";
    for (let step = 0; step <= n - d; step++) {
      const k = binpack ? d + step : n - step;
      const items = bucket.byFree[k]!.items;
      for (let x = 0; x < items.length; x++) {
        const cap = items[x]!;
        if (exclude?.has(cap)) continue;
        return { node: cap, deviceIndices: wholeFree(cap, d), packing: Math.round((100 * (n - k + d)) / n) };
      }
    }
    return undefined;
  }

  private bestSliceFit(bucket: Bucket, slice: Slice, mode: PackingMode, exclude?: ReadonlySet<NodeCapacity>): Fit | undefined {
    if (slice.memoryMb > bucket.profile.memoryMbPerDevice || slice.computePercent > 100) return undefined;
    if (mode === "binpack") {
      // The tightest partly used device with room for the slice.
      const need = Math.max(1, slice.computePercent, Math.ceil((100 * slice.memoryMb) / bucket.profile.memoryMbPerDevice));
      let scanned = 0;
      for (let c = need; c < 100 && scanned < SLICE_SCAN_LIMIT; c++) {
        const items = bucket.fragmented[c]!.items;
        for (let x = 0; x < items.length; x++) {
          const cap = items[x]!;
          if (++scanned > SLICE_SCAN_LIMIT) break;
          if (exclude?.has(cap)) continue;
          const i = tightestDevice(cap, slice);
          if (i >= 0) return { node: cap, deviceIndices: [i], slice, packing: Math.round(100 * cap.usedShare(slice.computePercent)) };
        }
      }
    }
    const n = bucket.profile.deviceCount;
    const binpack = mode === "binpack";
    for (let step = 0; step < n; step++) {
      const k = binpack ? 1 + step : n - step;
      const items = bucket.byFree[k]!.items;
      for (let x = 0; x < items.length; x++) {
        const cap = items[x]!;
        if (exclude?.has(cap)) continue;
        const i = wholeFree(cap, 1)[0]!;
        return { node: cap, deviceIndices: [i], slice, packing: Math.round(100 * cap.usedShare(slice.computePercent)) };
      }
    }
    return undefined;
  }

  /** The same question asked of one node, as the naive engine does. */
  fitOnNode(cap: NodeCapacity, job: JobRequest): Fit | undefined {
    if (job.slice) {
      const i = tightestDevice(cap, job.slice);
      return i < 0
        ? undefined
        : { node: cap, deviceIndices: [i], slice: job.slice, packing: Math.round(100 * cap.usedShare(job.slice.computePercent)) };
    }
    const d = Math.max(1, job.devicesPerReplica);
    if (cap.freeWhole < d) return undefined;
    const n = cap.profile.deviceCount;
    return { node: cap, deviceIndices: wholeFree(cap, d), packing: Math.round((100 * (n - cap.freeWhole + d)) / n) };
  }
}

function wholeFree(cap: NodeCapacity, d: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < cap.compute.length && out.length < d; i++) if (cap.isWhole(i)) out.push(i);
  return out;
}

/** The device with the least free compute that still takes the slice (binpack within the node); -1 if none. */
function tightestDevice(cap: NodeCapacity, slice: Slice): number {
  let best = -1;
  for (let i = 0; i < cap.compute.length; i++) {
    if (cap.compute[i]! >= slice.computePercent && cap.memory[i]! >= slice.memoryMb) {
      if (best < 0 || cap.compute[i]! < cap.compute[best]!) best = i;
    }
  }
  return best;
}
