// Original file: tokengrid/job/v1/job.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

/**
 * QuoteOption is one place and time the job could run.
 */
export interface QuoteOption {
  'cluster'?: (string);
  /**
   * "east" or "west".
   */
  'region'?: (string);
  /**
   * Catalogue id of the device, e.g. "ascend-910b".
   */
  'deviceModel'?: (string);
  'vendor'?: (string);
  /**
   * The node the estimate is for.
   */
  'nodeId'?: (string);
  'devices'?: (number);
  'estimatedStartTime'?: (_google_protobuf_Timestamp | null);
  /**
   * Seconds from start to end at the node's modelled speed.
   */
  'estimatedDurationSeconds'?: (number | string);
  /**
   * Yuan per million ST: energy + capital + margin, averaged over the run.
   */
  'pricePerMillionStYuan'?: (number | string);
  /**
   * The whole job, in fen (1 yuan = 100 fen), rounded up.
   */
  'totalPriceFen'?: (number | string | Long);
  /**
   * Energy-weighted renewable share of the run's power, 0..1.
   */
  'greenShare'?: (number | string);
  /**
   * Grams of CO2e for the run's power.
   */
  'co2Grams'?: (number | string);
  /**
   * Round trip from the job's origin, ms; 0 when the job has no origin.
   */
  'latencyMs'?: (number | string);
  /**
   * Parts of the price, yuan per million ST.
   */
  'energyPerMillionStYuan'?: (number | string);
  'capitalPerMillionStYuan'?: (number | string);
  'marginPerMillionStYuan'?: (number | string);
  /**
   * Token revenue divided by the raw electricity cost of the run.
   */
  'revenueToElectricityRatio'?: (number | string);
}

/**
 * QuoteOption is one place and time the job could run.
 */
export interface QuoteOption__Output {
  'cluster': (string);
  /**
   * "east" or "west".
   */
  'region': (string);
  /**
   * Catalogue id of the device, e.g. "ascend-910b".
   */
  'deviceModel': (string);
  'vendor': (string);
  /**
   * The node the estimate is for.
   */
  'nodeId': (string);
  'devices': (number);
  'estimatedStartTime': (_google_protobuf_Timestamp__Output | null);
  /**
   * Seconds from start to end at the node's modelled speed.
   */
  'estimatedDurationSeconds': (number);
  /**
   * Yuan per million ST: energy + capital + margin, averaged over the run.
   */
  'pricePerMillionStYuan': (number);
  /**
   * The whole job, in fen (1 yuan = 100 fen), rounded up.
   */
  'totalPriceFen': (string);
  /**
   * Energy-weighted renewable share of the run's power, 0..1.
   */
  'greenShare': (number);
  /**
   * Grams of CO2e for the run's power.
   */
  'co2Grams': (number);
  /**
   * Round trip from the job's origin, ms; 0 when the job has no origin.
   */
  'latencyMs': (number);
  /**
   * Parts of the price, yuan per million ST.
   */
  'energyPerMillionStYuan': (number);
  'capitalPerMillionStYuan': (number);
  'marginPerMillionStYuan': (number);
  /**
   * Token revenue divided by the raw electricity cost of the run.
   */
  'revenueToElectricityRatio': (number);
}
