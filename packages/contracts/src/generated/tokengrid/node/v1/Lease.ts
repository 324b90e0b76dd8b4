// Original file: tokengrid/node/v1/node.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Lease answers a heartbeat: the node may go on running the jobs it was given
 * until valid_for_ms after it sent that heartbeat, and must stop them then
 * unless a later lease came. The broker moves a silent node's jobs elsewhere
 * only after the last lease it granted has run out, so no job runs twice at
 * once.
 */
export interface Lease {
  /**
   * The heartbeat this answers.
   */
  'heartbeatSeq'?: (number | string | Long);
  'validForMs'?: (number);
  /**
   * The leading broker's epoch (see Assignment.epoch).
   */
  'epoch'?: (number | string | Long);
}

/**
 * Lease answers a heartbeat: the node may go on running the jobs it was given
 * until valid_for_ms after it sent that heartbeat, and must stop them then
 * unless a later lease came. The broker moves a silent node's jobs elsewhere
 * only after the last lease it granted has run out, so no job runs twice at
 * once.
 */
export interface Lease__Output {
  /**
   * The heartbeat this answers.
   */
  'heartbeatSeq': (string);
  'validForMs': (number);
  /**
   * The leading broker's epoch (see Assignment.epoch).
   */
  'epoch': (string);
}
