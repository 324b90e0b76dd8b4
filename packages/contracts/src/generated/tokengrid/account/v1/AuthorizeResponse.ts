// Original file: tokengrid/account/v1/account.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp.js';

/**
 * AuthorizeResponse confirms the hold.
 */
export interface AuthorizeResponse {
  /**
   * False when a hold for this job existed already.
   */
  'created'?: (boolean);
  'expireTime'?: (_google_protobuf_Timestamp | null);
}

/**
 * AuthorizeResponse confirms the hold.
 */
export interface AuthorizeResponse__Output {
  /**
   * False when a hold for this job existed already.
   */
  'created': (boolean);
  'expireTime': (_google_protobuf_Timestamp__Output | null);
}
