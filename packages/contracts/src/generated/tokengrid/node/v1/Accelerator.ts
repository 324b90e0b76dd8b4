// Original file: tokengrid/node/v1/node.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Accelerator is one kind of device on a node.
 */
export interface Accelerator {
  /**
   * Catalogue id of the device, e.g. "nvidia-h100-sxm", "ascend-910b".
   */
  'model'?: (string);
  /**
   * Vendor, e.g. "nvidia", "huawei".
   */
  'vendor'?: (string);
  /**
   * Software stack the device runs: cuda, cann, neuware, dtk, xpu, musa, maca, ...
   */
  'softwareStack'?: (string);
  /**
   * How many of them the node has, 1..64.
   */
  'count'?: (number);
  /**
   * Memory per device in MB.
   */
  'memoryMb'?: (number | string | Long);
  /**
   * Measured speed per device in ST/s; 0 = use the catalogue.
   */
  'calibratedStPerSecond'?: (number | string);
}

/**
 * Accelerator is one kind of device on a node.
 */
export interface Accelerator__Output {
  /**
   * Catalogue id of the device, e.g. "nvidia-h100-sxm", "ascend-910b".
   */
  'model': (string);
  /**
   * Vendor, e.g. "nvidia", "huawei".
   */
  'vendor': (string);
  /**
   * Software stack the device runs: cuda, cann, neuware, dtk, xpu, musa, maca, ...
   */
  'softwareStack': (string);
  /**
   * How many of them the node has, 1..64.
   */
  'count': (number);
  /**
   * Memory per device in MB.
   */
  'memoryMb': (string);
  /**
   * Measured speed per device in ST/s; 0 = use the catalogue.
   */
  'calibratedStPerSecond': (number);
}
