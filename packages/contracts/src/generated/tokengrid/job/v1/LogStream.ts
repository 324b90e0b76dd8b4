// Original file: tokengrid/job/v1/job.proto

/**
 * LogStream is which of the program's outputs a chunk came from.
 */
export const LogStream = {
  LOG_STREAM_UNSPECIFIED: 'LOG_STREAM_UNSPECIFIED',
  LOG_STREAM_STDOUT: 'LOG_STREAM_STDOUT',
  LOG_STREAM_STDERR: 'LOG_STREAM_STDERR',
  /**
   * A line from the node agent itself about the run (started, dropped output).
   */
  LOG_STREAM_AGENT: 'LOG_STREAM_AGENT',
} as const;

/**
 * LogStream is which of the program's outputs a chunk came from.
 */
export type LogStream =
  | 'LOG_STREAM_UNSPECIFIED'
  | 0
  | 'LOG_STREAM_STDOUT'
  | 1
  | 'LOG_STREAM_STDERR'
  | 2
  /**
   * A line from the node agent itself about the run (started, dropped output).
   */
  | 'LOG_STREAM_AGENT'
  | 3

/**
 * LogStream is which of the program's outputs a chunk came from.
 */
export type LogStream__Output = typeof LogStream[keyof typeof LogStream]
