/**
 * What a job's bill comes to. A tenant pays for the work its job's record
 * kept (the broker's final job event says how much), never more than its
 * size once. Usage is captured as it is settled, before anyone knows how the
 * job ends; when it has ended, whatever the tenant was charged beyond what its
 * record kept is given back from the platform loss account to the accounts
 * that paid it. Work lost to a node failure, a restart or a preemption is so
 * the platform's loss, in its own account; operators stay paid for what their
 * nodes delivered (their earnings are not touched).
 *
 * The two streams (usage, job events) are settled apart, in either order: a
 * job's usage row in job_usage is what both lock before they touch its bill,
 * so usage settled after the job ended is given back as well, exactly once.
 */
import { sql } from "@tokengrid/db";
import { createTransfer, ensureAccount, type Trx } from "./transfers.js";
import { ACCOUNTS } from "./tokens.js";

/** An ended job, as its final event describes it. */
export interface JobEnd {
  jobId: string;
  tenantId: string;
  state: string;
  sizeMst: bigint;
  /** The work its record kept, mST. */
  keptMst: bigint;
  /** The work its workload reported (tokens at its model size), mST, and the tokens; 0 if none. */
  reportedMst: bigint;
  reportedTokens: bigint;
  endedAt: Date;
}

/** The transfer kind of tokens given back from the platform loss account. */
export const LOSS_RETURN = "loss_return";

/**
 * Records that jobs ended and what their records kept (a job ends once: the
 * first final event is its bill), then gives back what each was charged
 * beyond it. Returns the mST given back, by job.
 */
export async function closeBills(trx: Trx, ends: readonly JobEnd[]): Promise<Map<string, bigint>> {
  if (ends.length === 0) return new Map();
  const sorted = [...ends].sort((a, b) => (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0));
  // The jobs' usage rows, locked in job order (as usage settlement locks them).
  await sql`
    insert into job_usage (job_id, tenant_id)
    select * from unnest(${sorted.map((e) => e.jobId)}::text[], ${sorted.map((e) => e.tenantId)}::text[])
    on conflict (job_id) do update set mst = job_usage.mst`.execute(trx);
  await trx
    .insertInto("job_bills")
    .values(
      sorted.map((e) => ({
        job_id: e.jobId,
        tenant_id: e.tenantId,
        state: e.state,
        size_mst: e.sizeMst,
        kept_mst: e.keptMst < 0n ? 0n : e.keptMst,
        reported_mst: e.reportedMst < 0n ? 0n : e.reportedMst,
        reported_tokens: e.reportedTokens < 0n ? 0n : e.reportedTokens,
        ended_at: e.endedAt,
      })),
    )
    .onConflict((oc) => oc.column("job_id").doNothing())
    .execute();
  return returnUnkept(
    trx,
    sorted.map((e) => e.jobId),
  );
}

/**
 * Gives back what ended jobs were charged beyond what their records kept (or
 * beyond their size), from the platform loss account: to the tenant's
 * overdraft first (its debt shrinks), then to the lots that paid, the
 * latest-expiring first. A job that has not ended is left alone. Run it with
 * the jobs' usage rows locked (after adding their usage, in the same
 * transaction). Idempotent: what was given back is remembered on the bill.
 */
export async function returnUnkept(trx: Trx, jobIds: readonly string[]): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  if (jobIds.length === 0) return out;
  const bills = await sql<{ job_id: string; tenant_id: string; kept: string; size: string; returned: string; charged: string }>`
    select b.job_id, b.tenant_id, b.kept_mst::text as kept, b.size_mst::text as size, b.returned_mst::text as returned,
           coalesce(u.mst, 0)::text as charged
    from job_bills b left join job_usage u on u.job_id = b.job_id
    where b.job_id = any(${[...jobIds]}::text[]) order by b.job_id`.execute(trx);
  for (const b of bills.rows) {
    const kept = BigInt(b.kept);
    const size = BigInt(b.size);
    const cap = kept < size ? kept : size;
    const charged = BigInt(b.charged);
    const returned = BigInt(b.returned);
    const due = (charged > cap ? charged - cap : 0n) - returned;
    if (due <= 0n) continue;
    // What each account paid for the job, less what it was given back before.
    const payers = await sql<{ account: string; kind: string; left: string }>`
      with paid as (
        select debit_account_id as account, sum(amount) as mst from ledger_transfers
        where hold_id = ${b.job_id} and kind in ('capture', 'usage', 'overdraft') and status = 'posted' group by 1),
      back as (
        select credit_account_id as account, sum(amount) as mst from ledger_transfers
        where hold_id = ${b.job_id} and kind = ${LOSS_RETURN} group by 1)
      select p.account, a.kind, (p.mst - coalesce(k.mst, 0))::text as left
      from paid p join ledger_accounts a on a.id = p.account left join back k on k.account = p.account
      where p.mst > coalesce(k.mst, 0)
      order by (a.kind = 'overdraft') desc, a.expires_at desc nulls first, a.id`.execute(trx);
    await ensureAccount(trx, { id: ACCOUNTS.platformLoss, ledger: "ST", kind: "platform_loss", owner: "platform" });
    let left = due;
    let i = 0;
    for (const p of payers.rows) {
      if (left === 0n) break;
      const avail = BigInt(p.left);
      const take = avail < left ? avail : left;
      await createTransfer(trx, {
        id: `loss:${b.job_id}:${returned}:${i++}`,
        ledger: "ST",
        debit: ACCOUNTS.platformLoss,
        credit: p.account,
        amount: take,
        kind: LOSS_RETURN,
        holdId: b.job_id,
        jobId: b.job_id,
      });
      left -= take;
    }
    const given = due - left;
    if (given > 0n)
      await sql`update job_bills set returned_mst = returned_mst + ${given.toString()}::bigint where job_id = ${b.job_id}`.execute(trx);
    out.set(b.job_id, given);
  }
  return out;
}
