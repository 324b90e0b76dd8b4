/**
 * The order pending jobs are tried in: priority first; within a priority,
 * the tenant furthest below its fair share (weighted dominant-resource
 * fairness: devices held ÷ weight, the one resource being device-equivalents);
 * then first come, first served.
 */
import { deviceEquivalents, type JobRequest } from "./types.js";

export class SchedulingQueue {
  private readonly jobs = new Map<string, JobRequest>();
  private readonly notBefore = new Map<string, number>();

  constructor(private readonly weights: (tenantId: string) => number = () => 1) {}

  get size(): number {
    return this.jobs.size;
  }

  has(jobId: string): boolean {
    return this.jobs.has(jobId);
  }

  add(job: JobRequest, notBeforeMs = 0): void {
    this.jobs.set(job.jobId, job);
    if (notBeforeMs > 0) this.notBefore.set(job.jobId, notBeforeMs);
    else this.notBefore.delete(job.jobId);
  }

  remove(jobId: string): void {
    this.jobs.delete(jobId);
    this.notBefore.delete(jobId);
  }

  /**
   * Jobs in the order to try them now. `held` is each tenant's device-equivalents
   * in use; `onPlaced` tells the queue a job was placed, so later picks in the
   * same pass see the tenant's new share.
   */
  *order(nowMs: number, held: Map<string, number>): Generator<JobRequest, void, boolean | undefined> {
    const ready = [...this.jobs.values()].filter((j) => (this.notBefore.get(j.jobId) ?? 0) <= nowMs);
    const byPriority = new Map<number, JobRequest[]>();
    for (const j of ready) {
      const list = byPriority.get(j.priority) ?? [];
      list.push(j);
      byPriority.set(j.priority, list);
    }
    for (const priority of [...byPriority.keys()].sort((a, b) => b - a)) {
      // Per tenant, oldest first.
      const perTenant = new Map<string, JobRequest[]>();
      for (const j of byPriority.get(priority)!.sort((a, b) => a.submitMs - b.submitMs || (a.jobId < b.jobId ? -1 : 1))) {
        const list = perTenant.get(j.tenantId) ?? [];
        list.push(j);
        perTenant.set(j.tenantId, list);
      }
      while (perTenant.size > 0) {
        let pick: string | undefined;
        let lowest = Infinity;
        for (const t of perTenant.keys()) {
          const share = (held.get(t) ?? 0) / Math.max(1e-9, this.weights(t));
          if (share < lowest || (share === lowest && pick !== undefined && t < pick)) {
            lowest = share;
            pick = t;
          }
        }
        const list = perTenant.get(pick!)!;
        const job = list.shift()!;
        if (list.length === 0) perTenant.delete(pick!);
        const placed = yield job;
        // A job that does not fit does not hold back its tenant's smaller jobs behind it.
        if (placed) held.set(job.tenantId, (held.get(job.tenantId) ?? 0) + deviceEquivalents(job));
      }
    }
  }
}
