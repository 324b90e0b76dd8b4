// Original file: tokengrid/node/v1/node.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Cancel tells the node to stop a job (every replica of it on the node).
 */
export interface Cancel {
  'jobId'?: (string);
  'reason'?: (string);
  /**
   * The leading broker's epoch (see Assignment.epoch).
   */
  'epoch'?: (number | string | Long);
}

/**
 * Cancel tells the node to stop a job (every replica of it on the node).
 */
export interface Cancel__Output {
  'jobId': (string);
  'reason': (string);
  /**
   * The leading broker's epoch (see Assignment.epoch).
   */
  'epoch': (string);
}
