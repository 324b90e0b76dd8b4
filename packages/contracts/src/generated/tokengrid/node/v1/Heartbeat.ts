// Original file: tokengrid/node/v1/node.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Heartbeat says the node is alive and what it has free.
 */
export interface Heartbeat {
  'freeDevices'?: (number);
  /**
   * Counts up from 1 on each stream; the broker's Lease names the heartbeat it answers.
   */
  'seq'?: (number | string | Long);
}

/**
 * Heartbeat says the node is alive and what it has free.
 */
export interface Heartbeat__Output {
  'freeDevices': (number);
  /**
   * Counts up from 1 on each stream; the broker's Lease names the heartbeat it answers.
   */
  'seq': (string);
}
