// Original file: tokengrid/node/v1/node.proto


/**
 * Rendezvous is how the replicas of a gang find each other, as torchrun's
 * env:// initialisation expects.
 */
export interface Rendezvous {
  /**
   * This replica's rank, 0..world_size-1 (RANK).
   */
  'rank'?: (number);
  /**
   * Replicas in the gang (WORLD_SIZE).
   */
  'worldSize'?: (number);
  /**
   * Rank 0's node address (MASTER_ADDR).
   */
  'masterAddr'?: (string);
  /**
   * A port on rank 0's node, 1024..65535 (MASTER_PORT).
   */
  'masterPort'?: (number);
}

/**
 * Rendezvous is how the replicas of a gang find each other, as torchrun's
 * env:// initialisation expects.
 */
export interface Rendezvous__Output {
  /**
   * This replica's rank, 0..world_size-1 (RANK).
   */
  'rank': (number);
  /**
   * Replicas in the gang (WORLD_SIZE).
   */
  'worldSize': (number);
  /**
   * Rank 0's node address (MASTER_ADDR).
   */
  'masterAddr': (string);
  /**
   * A port on rank 0's node, 1024..65535 (MASTER_PORT).
   */
  'masterPort': (number);
}
