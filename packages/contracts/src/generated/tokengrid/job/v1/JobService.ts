// Original file: tokengrid/job/v1/job.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CancelJobRequest as _tokengrid_job_v1_CancelJobRequest, CancelJobRequest__Output as _tokengrid_job_v1_CancelJobRequest__Output } from '../../../tokengrid/job/v1/CancelJobRequest.js';
import type { CancelJobResponse as _tokengrid_job_v1_CancelJobResponse, CancelJobResponse__Output as _tokengrid_job_v1_CancelJobResponse__Output } from '../../../tokengrid/job/v1/CancelJobResponse.js';
import type { GetJobRequest as _tokengrid_job_v1_GetJobRequest, GetJobRequest__Output as _tokengrid_job_v1_GetJobRequest__Output } from '../../../tokengrid/job/v1/GetJobRequest.js';
import type { GetJobResponse as _tokengrid_job_v1_GetJobResponse, GetJobResponse__Output as _tokengrid_job_v1_GetJobResponse__Output } from '../../../tokengrid/job/v1/GetJobResponse.js';
import type { ListJobsRequest as _tokengrid_job_v1_ListJobsRequest, ListJobsRequest__Output as _tokengrid_job_v1_ListJobsRequest__Output } from '../../../tokengrid/job/v1/ListJobsRequest.js';
import type { ListJobsResponse as _tokengrid_job_v1_ListJobsResponse, ListJobsResponse__Output as _tokengrid_job_v1_ListJobsResponse__Output } from '../../../tokengrid/job/v1/ListJobsResponse.js';
import type { QuoteRequest as _tokengrid_job_v1_QuoteRequest, QuoteRequest__Output as _tokengrid_job_v1_QuoteRequest__Output } from '../../../tokengrid/job/v1/QuoteRequest.js';
import type { QuoteResponse as _tokengrid_job_v1_QuoteResponse, QuoteResponse__Output as _tokengrid_job_v1_QuoteResponse__Output } from '../../../tokengrid/job/v1/QuoteResponse.js';
import type { ReadJobLogsRequest as _tokengrid_job_v1_ReadJobLogsRequest, ReadJobLogsRequest__Output as _tokengrid_job_v1_ReadJobLogsRequest__Output } from '../../../tokengrid/job/v1/ReadJobLogsRequest.js';
import type { ReadJobLogsResponse as _tokengrid_job_v1_ReadJobLogsResponse, ReadJobLogsResponse__Output as _tokengrid_job_v1_ReadJobLogsResponse__Output } from '../../../tokengrid/job/v1/ReadJobLogsResponse.js';
import type { SubmitJobRequest as _tokengrid_job_v1_SubmitJobRequest, SubmitJobRequest__Output as _tokengrid_job_v1_SubmitJobRequest__Output } from '../../../tokengrid/job/v1/SubmitJobRequest.js';
import type { SubmitJobResponse as _tokengrid_job_v1_SubmitJobResponse, SubmitJobResponse__Output as _tokengrid_job_v1_SubmitJobResponse__Output } from '../../../tokengrid/job/v1/SubmitJobResponse.js';
import type { WatchJobRequest as _tokengrid_job_v1_WatchJobRequest, WatchJobRequest__Output as _tokengrid_job_v1_WatchJobRequest__Output } from '../../../tokengrid/job/v1/WatchJobRequest.js';
import type { WatchJobResponse as _tokengrid_job_v1_WatchJobResponse, WatchJobResponse__Output as _tokengrid_job_v1_WatchJobResponse__Output } from '../../../tokengrid/job/v1/WatchJobResponse.js';

/**
 * JobService is the tenants' door: quote, submit, watch and cancel jobs.
 * The calling tenant is named by the `x-tenant-id` call metadata.
 */
export interface JobServiceClient extends grpc.Client {
  /**
   * CancelJob stops a job that has not ended yet.
   */
  CancelJob(argument: _tokengrid_job_v1_CancelJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_job_v1_CancelJobResponse__Output>): grpc.ClientUnaryCall;
  CancelJob(argument: _tokengrid_job_v1_CancelJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_job_v1_CancelJobResponse__Output>): grpc.ClientUnaryCall;
  CancelJob(argument: _tokengrid_job_v1_CancelJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_job_v1_CancelJobResponse__Output>): grpc.ClientUnaryCall;
  CancelJob(argument: _tokengrid_job_v1_CancelJobRequest, callback: grpc.requestCallback<_tokengrid_job_v1_CancelJobResponse__Output>): grpc.ClientUnaryCall;
  /**
   * CancelJob stops a job that has not ended yet.
   */
  cancelJob(argument: _tokengrid_job_v1_CancelJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_job_v1_CancelJobResponse__Output>): grpc.ClientUnaryCall;
  cancelJob(argument: _tokengrid_job_v1_CancelJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_job_v1_CancelJobResponse__Output>): grpc.ClientUnaryCall;
  cancelJob(argument: _tokengrid_job_v1_CancelJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_job_v1_CancelJobResponse__Output>): grpc.ClientUnaryCall;
  cancelJob(argument: _tokengrid_job_v1_CancelJobRequest, callback: grpc.requestCallback<_tokengrid_job_v1_CancelJobResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * GetJob returns one of the tenant's jobs.
   */
  GetJob(argument: _tokengrid_job_v1_GetJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_job_v1_GetJobResponse__Output>): grpc.ClientUnaryCall;
  GetJob(argument: _tokengrid_job_v1_GetJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_job_v1_GetJobResponse__Output>): grpc.ClientUnaryCall;
  GetJob(argument: _tokengrid_job_v1_GetJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_job_v1_GetJobResponse__Output>): grpc.ClientUnaryCall;
  GetJob(argument: _tokengrid_job_v1_GetJobRequest, callback: grpc.requestCallback<_tokengrid_job_v1_GetJobResponse__Output>): grpc.ClientUnaryCall;
  /**
   * GetJob returns one of the tenant's jobs.
   */
  getJob(argument: _tokengrid_job_v1_GetJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_job_v1_GetJobResponse__Output>): grpc.ClientUnaryCall;
  getJob(argument: _tokengrid_job_v1_GetJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_job_v1_GetJobResponse__Output>): grpc.ClientUnaryCall;
  getJob(argument: _tokengrid_job_v1_GetJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_job_v1_GetJobResponse__Output>): grpc.ClientUnaryCall;
  getJob(argument: _tokengrid_job_v1_GetJobRequest, callback: grpc.requestCallback<_tokengrid_job_v1_GetJobResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * ListJobs pages through the tenant's jobs, newest first.
   */
  ListJobs(argument: _tokengrid_job_v1_ListJobsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_job_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  ListJobs(argument: _tokengrid_job_v1_ListJobsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_job_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  ListJobs(argument: _tokengrid_job_v1_ListJobsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_job_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  ListJobs(argument: _tokengrid_job_v1_ListJobsRequest, callback: grpc.requestCallback<_tokengrid_job_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * ListJobs pages through the tenant's jobs, newest first.
   */
  listJobs(argument: _tokengrid_job_v1_ListJobsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_job_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _tokengrid_job_v1_ListJobsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_job_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _tokengrid_job_v1_ListJobsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_job_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _tokengrid_job_v1_ListJobsRequest, callback: grpc.requestCallback<_tokengrid_job_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Quote ranks where and when a job would run, how long it would take, what
   * it would cost and how green it would be, without submitting it; and says
   * why the rest were excluded.
   */
  Quote(argument: _tokengrid_job_v1_QuoteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_job_v1_QuoteResponse__Output>): grpc.ClientUnaryCall;
  Quote(argument: _tokengrid_job_v1_QuoteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_job_v1_QuoteResponse__Output>): grpc.ClientUnaryCall;
  Quote(argument: _tokengrid_job_v1_QuoteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_job_v1_QuoteResponse__Output>): grpc.ClientUnaryCall;
  Quote(argument: _tokengrid_job_v1_QuoteRequest, callback: grpc.requestCallback<_tokengrid_job_v1_QuoteResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Quote ranks where and when a job would run, how long it would take, what
   * it would cost and how green it would be, without submitting it; and says
   * why the rest were excluded.
   */
  quote(argument: _tokengrid_job_v1_QuoteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_job_v1_QuoteResponse__Output>): grpc.ClientUnaryCall;
  quote(argument: _tokengrid_job_v1_QuoteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_job_v1_QuoteResponse__Output>): grpc.ClientUnaryCall;
  quote(argument: _tokengrid_job_v1_QuoteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_job_v1_QuoteResponse__Output>): grpc.ClientUnaryCall;
  quote(argument: _tokengrid_job_v1_QuoteRequest, callback: grpc.requestCallback<_tokengrid_job_v1_QuoteResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * ReadJobLogs streams what the job's program wrote to stdout and stderr,
   * replica by replica, oldest kept first; with follow, then what it writes
   * next, until the job ends.
   */
  ReadJobLogs(argument: _tokengrid_job_v1_ReadJobLogsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_tokengrid_job_v1_ReadJobLogsResponse__Output>;
  ReadJobLogs(argument: _tokengrid_job_v1_ReadJobLogsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_tokengrid_job_v1_ReadJobLogsResponse__Output>;
  /**
   * ReadJobLogs streams what the job's program wrote to stdout and stderr,
   * replica by replica, oldest kept first; with follow, then what it writes
   * next, until the job ends.
   */
  readJobLogs(argument: _tokengrid_job_v1_ReadJobLogsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_tokengrid_job_v1_ReadJobLogsResponse__Output>;
  readJobLogs(argument: _tokengrid_job_v1_ReadJobLogsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_tokengrid_job_v1_ReadJobLogsResponse__Output>;
  
  /**
   * SubmitJob accepts a job. Idempotent on request_id: a retry with the same
   * request_id returns the job the first call created.
   */
  SubmitJob(argument: _tokengrid_job_v1_SubmitJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_job_v1_SubmitJobResponse__Output>): grpc.ClientUnaryCall;
  SubmitJob(argument: _tokengrid_job_v1_SubmitJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_job_v1_SubmitJobResponse__Output>): grpc.ClientUnaryCall;
  SubmitJob(argument: _tokengrid_job_v1_SubmitJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_job_v1_SubmitJobResponse__Output>): grpc.ClientUnaryCall;
  SubmitJob(argument: _tokengrid_job_v1_SubmitJobRequest, callback: grpc.requestCallback<_tokengrid_job_v1_SubmitJobResponse__Output>): grpc.ClientUnaryCall;
  /**
   * SubmitJob accepts a job. Idempotent on request_id: a retry with the same
   * request_id returns the job the first call created.
   */
  submitJob(argument: _tokengrid_job_v1_SubmitJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_job_v1_SubmitJobResponse__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _tokengrid_job_v1_SubmitJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_job_v1_SubmitJobResponse__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _tokengrid_job_v1_SubmitJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_job_v1_SubmitJobResponse__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _tokengrid_job_v1_SubmitJobRequest, callback: grpc.requestCallback<_tokengrid_job_v1_SubmitJobResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * WatchJob streams every state the job has passed through, then each new
   * state as it happens; the stream ends when the job ends.
   */
  WatchJob(argument: _tokengrid_job_v1_WatchJobRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_tokengrid_job_v1_WatchJobResponse__Output>;
  WatchJob(argument: _tokengrid_job_v1_WatchJobRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_tokengrid_job_v1_WatchJobResponse__Output>;
  /**
   * WatchJob streams every state the job has passed through, then each new
   * state as it happens; the stream ends when the job ends.
   */
  watchJob(argument: _tokengrid_job_v1_WatchJobRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_tokengrid_job_v1_WatchJobResponse__Output>;
  watchJob(argument: _tokengrid_job_v1_WatchJobRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_tokengrid_job_v1_WatchJobResponse__Output>;
  
}

/**
 * JobService is the tenants' door: quote, submit, watch and cancel jobs.
 * The calling tenant is named by the `x-tenant-id` call metadata.
 */
export interface JobServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * CancelJob stops a job that has not ended yet.
   */
  CancelJob: grpc.handleUnaryCall<_tokengrid_job_v1_CancelJobRequest__Output, _tokengrid_job_v1_CancelJobResponse>;
  
  /**
   * GetJob returns one of the tenant's jobs.
   */
  GetJob: grpc.handleUnaryCall<_tokengrid_job_v1_GetJobRequest__Output, _tokengrid_job_v1_GetJobResponse>;
  
  /**
   * ListJobs pages through the tenant's jobs, newest first.
   */
  ListJobs: grpc.handleUnaryCall<_tokengrid_job_v1_ListJobsRequest__Output, _tokengrid_job_v1_ListJobsResponse>;
  
  /**
   * Quote ranks where and when a job would run, how long it would take, what
   * it would cost and how green it would be, without submitting it; and says
   * why the rest were excluded.
   */
  Quote: grpc.handleUnaryCall<_tokengrid_job_v1_QuoteRequest__Output, _tokengrid_job_v1_QuoteResponse>;
  
  /**
   * ReadJobLogs streams what the job's program wrote to stdout and stderr,
   * replica by replica, oldest kept first; with follow, then what it writes
   * next, until the job ends.
   */
  ReadJobLogs: grpc.handleServerStreamingCall<_tokengrid_job_v1_ReadJobLogsRequest__Output, _tokengrid_job_v1_ReadJobLogsResponse>;
  
  /**
   * SubmitJob accepts a job. Idempotent on request_id: a retry with the same
   * request_id returns the job the first call created.
   */
  SubmitJob: grpc.handleUnaryCall<_tokengrid_job_v1_SubmitJobRequest__Output, _tokengrid_job_v1_SubmitJobResponse>;
  
  /**
   * WatchJob streams every state the job has passed through, then each new
   * state as it happens; the stream ends when the job ends.
   */
  WatchJob: grpc.handleServerStreamingCall<_tokengrid_job_v1_WatchJobRequest__Output, _tokengrid_job_v1_WatchJobResponse>;
  
}

export interface JobServiceDefinition extends grpc.ServiceDefinition {
  CancelJob: MethodDefinition<_tokengrid_job_v1_CancelJobRequest, _tokengrid_job_v1_CancelJobResponse, _tokengrid_job_v1_CancelJobRequest__Output, _tokengrid_job_v1_CancelJobResponse__Output>
  GetJob: MethodDefinition<_tokengrid_job_v1_GetJobRequest, _tokengrid_job_v1_GetJobResponse, _tokengrid_job_v1_GetJobRequest__Output, _tokengrid_job_v1_GetJobResponse__Output>
  ListJobs: MethodDefinition<_tokengrid_job_v1_ListJobsRequest, _tokengrid_job_v1_ListJobsResponse, _tokengrid_job_v1_ListJobsRequest__Output, _tokengrid_job_v1_ListJobsResponse__Output>
  Quote: MethodDefinition<_tokengrid_job_v1_QuoteRequest, _tokengrid_job_v1_QuoteResponse, _tokengrid_job_v1_QuoteRequest__Output, _tokengrid_job_v1_QuoteResponse__Output>
  ReadJobLogs: MethodDefinition<_tokengrid_job_v1_ReadJobLogsRequest, _tokengrid_job_v1_ReadJobLogsResponse, _tokengrid_job_v1_ReadJobLogsRequest__Output, _tokengrid_job_v1_ReadJobLogsResponse__Output>
  SubmitJob: MethodDefinition<_tokengrid_job_v1_SubmitJobRequest, _tokengrid_job_v1_SubmitJobResponse, _tokengrid_job_v1_SubmitJobRequest__Output, _tokengrid_job_v1_SubmitJobResponse__Output>
  WatchJob: MethodDefinition<_tokengrid_job_v1_WatchJobRequest, _tokengrid_job_v1_WatchJobResponse, _tokengrid_job_v1_WatchJobRequest__Output, _tokengrid_job_v1_WatchJobResponse__Output>
}
