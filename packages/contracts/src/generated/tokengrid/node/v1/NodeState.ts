// Original file: tokengrid/node/v1/node.proto

/**
 * NodeState is whether the broker hears from the node.
 */
export const NodeState = {
  NODE_STATE_UNSPECIFIED: 'NODE_STATE_UNSPECIFIED',
  NODE_STATE_ONLINE: 'NODE_STATE_ONLINE',
  NODE_STATE_LOST: 'NODE_STATE_LOST',
} as const;

/**
 * NodeState is whether the broker hears from the node.
 */
export type NodeState =
  | 'NODE_STATE_UNSPECIFIED'
  | 0
  | 'NODE_STATE_ONLINE'
  | 1
  | 'NODE_STATE_LOST'
  | 2

/**
 * NodeState is whether the broker hears from the node.
 */
export type NodeState__Output = typeof NodeState[keyof typeof NodeState]
