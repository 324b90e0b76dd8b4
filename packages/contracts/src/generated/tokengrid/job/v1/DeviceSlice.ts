// Original file: tokengrid/job/v1/job.proto

import type { Long } from '@grpc/proto-loader';

/**
 * DeviceSlice is a share of one device, as HAMi gives: compute and memory.
 */
export interface DeviceSlice {
  /**
   * Percent of the device's compute, 1..100.
   */
  'computePercent'?: (number);
  /**
   * Device memory in MB, > 0.
   */
  'memoryMb'?: (number | string | Long);
}

/**
 * DeviceSlice is a share of one device, as HAMi gives: compute and memory.
 */
export interface DeviceSlice__Output {
  /**
   * Percent of the device's compute, 1..100.
   */
  'computePercent': (number);
  /**
   * Device memory in MB, > 0.
   */
  'memoryMb': (string);
}
