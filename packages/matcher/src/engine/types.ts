/**
 * What the matching engine reasons about: nodes as profiles (everything but
 * identity and capacity, shared by many nodes) plus capacity; jobs as
 * requests. Pure data.
 */
import type { DeviceSpec, JobKind, Precision, Region } from "@tokengrid/domain";

/** How a node runs work: "process" runs a job's command; "simulated" works a size-only job at the modelled speed. */
export type ExecutorKind = "process" | "simulated";

/** The executor a job needs: one with a command needs "process", one given only a size "simulated". */
export function executorFor(job: Pick<JobRequest, "command">): ExecutorKind {
  return job.command ? "process" : "simulated";
}

/** A node's executors (absent: an agent from before executors were declared, which simulates). */
export function executorsOf(p: Pick<NodeProfile, "executors">): readonly ExecutorKind[] {
  return p.executors ?? ["simulated"];
}

/** Everything about a node that matters to placement except its identity and free capacity. */
export interface NodeProfile {
  readonly cluster: string;
  readonly region: Region;
  readonly device: DeviceSpec;
  /** Devices on the node. */
  readonly deviceCount: number;
  /** Memory per device in MB (the node's own figure, else the catalogue's). */
  readonly memoryMbPerDevice: number;
  readonly softwareStacks: readonly string[];
  readonly calibratedStPerSecond?: number;
  readonly pue?: number;
  readonly flatTariffYuanPerKwh?: number;
  readonly greenShare?: number;
  /** How the node runs work; absent = ["simulated"]. */
  readonly executors?: readonly ExecutorKind[];
}

/** A profile's identity: nodes with equal keys are interchangeable but for capacity. */
export function profileKey(p: NodeProfile): string {
  return [
    p.cluster,
    p.device.id,
    p.deviceCount,
    p.memoryMbPerDevice,
    p.softwareStacks.join("+"),
    p.calibratedStPerSecond ?? "",
    p.pue ?? "",
    p.flatTariffYuanPerKwh ?? "",
    p.greenShare ?? "",
    executorsOf(p).join("+"),
  ].join("|");
}

export interface NodeSpec {
  readonly nodeId: string;
  readonly profile: NodeProfile;
}

/** A share of one device, as HAMi gives: compute in percent, memory in MB. */
export interface Slice {
  readonly computePercent: number;
  readonly memoryMb: number;
}

export interface JobRequest {
  readonly jobId: string;
  readonly tenantId: string;
  readonly kind: JobKind;
  readonly precision: Precision;
  /** Replicas placed together in one cluster, all or none (gang). */
  readonly replicas: number;
  /** Whole devices per replica, on one node; 0 with a slice. */
  readonly devicesPerReplica: number;
  /** A share of one device per replica instead of whole devices. */
  readonly slice?: Slice;
  /** Memory the model needs on each device, MB; 0 = no need stated. */
  readonly memoryMbPerDevice: number;
  readonly softwareStacks: readonly string[];
  readonly origin: string;
  readonly maxLatencyMs: number;
  readonly allowedClusters: readonly string[];
  /** 0..1; 0 = no floor. */
  readonly minGreenShare: number;
  /** Yuan per million ST; 0 = no cap. */
  readonly maxPricePerMillionSt: number;
  /** Higher runs first and may preempt lower, preemptible work. */
  readonly priority: number;
  readonly preemptible: boolean;
  /** The job's size in mST. */
  readonly sizeMst: bigint;
  /** Latest end, epoch ms; 0 = none. Work with a deadline may wait for a cheaper or greener hour. */
  readonly deadlineMs: number;
  readonly submitMs: number;
  /** Whether the job runs a program (it needs a node with the process executor); absent = a size only. */
  readonly command?: boolean;
}

/** Devices given to one replica: whole devices, or one share of a device. */
export interface ReplicaPlacement {
  readonly nodeId: string;
  readonly deviceIndices: readonly number[];
  readonly slice?: Slice;
}

export interface Placement {
  readonly jobId: string;
  readonly replicas: readonly ReplicaPlacement[];
}

/** Whole devices a job holds across replicas; a slice counts as its compute share. */
export function deviceEquivalents(job: JobRequest): number {
  return job.replicas * (job.slice ? job.slice.computePercent / 100 : job.devicesPerReplica);
}
