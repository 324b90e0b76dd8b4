import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';
import type { CancelJobRequest as _tokengrid_job_v1_CancelJobRequest, CancelJobRequest__Output as _tokengrid_job_v1_CancelJobRequest__Output } from './tokengrid/job/v1/CancelJobRequest.js';
import type { CancelJobResponse as _tokengrid_job_v1_CancelJobResponse, CancelJobResponse__Output as _tokengrid_job_v1_CancelJobResponse__Output } from './tokengrid/job/v1/CancelJobResponse.js';
import type { DeviceSlice as _tokengrid_job_v1_DeviceSlice, DeviceSlice__Output as _tokengrid_job_v1_DeviceSlice__Output } from './tokengrid/job/v1/DeviceSlice.js';
import type { FilterResult as _tokengrid_job_v1_FilterResult, FilterResult__Output as _tokengrid_job_v1_FilterResult__Output } from './tokengrid/job/v1/FilterResult.js';
import type { GetJobRequest as _tokengrid_job_v1_GetJobRequest, GetJobRequest__Output as _tokengrid_job_v1_GetJobRequest__Output } from './tokengrid/job/v1/GetJobRequest.js';
import type { GetJobResponse as _tokengrid_job_v1_GetJobResponse, GetJobResponse__Output as _tokengrid_job_v1_GetJobResponse__Output } from './tokengrid/job/v1/GetJobResponse.js';
import type { Job as _tokengrid_job_v1_Job, Job__Output as _tokengrid_job_v1_Job__Output } from './tokengrid/job/v1/Job.js';
import type { JobServiceClient as _tokengrid_job_v1_JobServiceClient, JobServiceDefinition as _tokengrid_job_v1_JobServiceDefinition } from './tokengrid/job/v1/JobService.js';
import type { JobSpec as _tokengrid_job_v1_JobSpec, JobSpec__Output as _tokengrid_job_v1_JobSpec__Output } from './tokengrid/job/v1/JobSpec.js';
import type { JobTransition as _tokengrid_job_v1_JobTransition, JobTransition__Output as _tokengrid_job_v1_JobTransition__Output } from './tokengrid/job/v1/JobTransition.js';
import type { ListJobsRequest as _tokengrid_job_v1_ListJobsRequest, ListJobsRequest__Output as _tokengrid_job_v1_ListJobsRequest__Output } from './tokengrid/job/v1/ListJobsRequest.js';
import type { ListJobsResponse as _tokengrid_job_v1_ListJobsResponse, ListJobsResponse__Output as _tokengrid_job_v1_ListJobsResponse__Output } from './tokengrid/job/v1/ListJobsResponse.js';
import type { PluginScore as _tokengrid_job_v1_PluginScore, PluginScore__Output as _tokengrid_job_v1_PluginScore__Output } from './tokengrid/job/v1/PluginScore.js';
import type { QuoteExclusion as _tokengrid_job_v1_QuoteExclusion, QuoteExclusion__Output as _tokengrid_job_v1_QuoteExclusion__Output } from './tokengrid/job/v1/QuoteExclusion.js';
import type { QuoteOption as _tokengrid_job_v1_QuoteOption, QuoteOption__Output as _tokengrid_job_v1_QuoteOption__Output } from './tokengrid/job/v1/QuoteOption.js';
import type { QuoteRequest as _tokengrid_job_v1_QuoteRequest, QuoteRequest__Output as _tokengrid_job_v1_QuoteRequest__Output } from './tokengrid/job/v1/QuoteRequest.js';
import type { QuoteResponse as _tokengrid_job_v1_QuoteResponse, QuoteResponse__Output as _tokengrid_job_v1_QuoteResponse__Output } from './tokengrid/job/v1/QuoteResponse.js';
import type { ReadJobLogsRequest as _tokengrid_job_v1_ReadJobLogsRequest, ReadJobLogsRequest__Output as _tokengrid_job_v1_ReadJobLogsRequest__Output } from './tokengrid/job/v1/ReadJobLogsRequest.js';
import type { ReadJobLogsResponse as _tokengrid_job_v1_ReadJobLogsResponse, ReadJobLogsResponse__Output as _tokengrid_job_v1_ReadJobLogsResponse__Output } from './tokengrid/job/v1/ReadJobLogsResponse.js';
import type { ScheduleCandidate as _tokengrid_job_v1_ScheduleCandidate, ScheduleCandidate__Output as _tokengrid_job_v1_ScheduleCandidate__Output } from './tokengrid/job/v1/ScheduleCandidate.js';
import type { SchedulingReceipt as _tokengrid_job_v1_SchedulingReceipt, SchedulingReceipt__Output as _tokengrid_job_v1_SchedulingReceipt__Output } from './tokengrid/job/v1/SchedulingReceipt.js';
import type { SubmitJobRequest as _tokengrid_job_v1_SubmitJobRequest, SubmitJobRequest__Output as _tokengrid_job_v1_SubmitJobRequest__Output } from './tokengrid/job/v1/SubmitJobRequest.js';
import type { SubmitJobResponse as _tokengrid_job_v1_SubmitJobResponse, SubmitJobResponse__Output as _tokengrid_job_v1_SubmitJobResponse__Output } from './tokengrid/job/v1/SubmitJobResponse.js';
import type { WatchJobRequest as _tokengrid_job_v1_WatchJobRequest, WatchJobRequest__Output as _tokengrid_job_v1_WatchJobRequest__Output } from './tokengrid/job/v1/WatchJobRequest.js';
import type { WatchJobResponse as _tokengrid_job_v1_WatchJobResponse, WatchJobResponse__Output as _tokengrid_job_v1_WatchJobResponse__Output } from './tokengrid/job/v1/WatchJobResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
  tokengrid: {
    job: {
      v1: {
        CancelJobRequest: MessageTypeDefinition<_tokengrid_job_v1_CancelJobRequest, _tokengrid_job_v1_CancelJobRequest__Output>
        CancelJobResponse: MessageTypeDefinition<_tokengrid_job_v1_CancelJobResponse, _tokengrid_job_v1_CancelJobResponse__Output>
        DeviceSlice: MessageTypeDefinition<_tokengrid_job_v1_DeviceSlice, _tokengrid_job_v1_DeviceSlice__Output>
        FilterResult: MessageTypeDefinition<_tokengrid_job_v1_FilterResult, _tokengrid_job_v1_FilterResult__Output>
        GetJobRequest: MessageTypeDefinition<_tokengrid_job_v1_GetJobRequest, _tokengrid_job_v1_GetJobRequest__Output>
        GetJobResponse: MessageTypeDefinition<_tokengrid_job_v1_GetJobResponse, _tokengrid_job_v1_GetJobResponse__Output>
        Job: MessageTypeDefinition<_tokengrid_job_v1_Job, _tokengrid_job_v1_Job__Output>
        JobKind: EnumTypeDefinition
        /**
         * JobService is the tenants' door: quote, submit, watch and cancel jobs.
         * The calling tenant is named by the `x-tenant-id` call metadata.
         */
        JobService: SubtypeConstructor<typeof grpc.Client, _tokengrid_job_v1_JobServiceClient> & { service: _tokengrid_job_v1_JobServiceDefinition }
        JobSpec: MessageTypeDefinition<_tokengrid_job_v1_JobSpec, _tokengrid_job_v1_JobSpec__Output>
        JobState: EnumTypeDefinition
        JobTransition: MessageTypeDefinition<_tokengrid_job_v1_JobTransition, _tokengrid_job_v1_JobTransition__Output>
        ListJobsRequest: MessageTypeDefinition<_tokengrid_job_v1_ListJobsRequest, _tokengrid_job_v1_ListJobsRequest__Output>
        ListJobsResponse: MessageTypeDefinition<_tokengrid_job_v1_ListJobsResponse, _tokengrid_job_v1_ListJobsResponse__Output>
        LogStream: EnumTypeDefinition
        PluginScore: MessageTypeDefinition<_tokengrid_job_v1_PluginScore, _tokengrid_job_v1_PluginScore__Output>
        Precision: EnumTypeDefinition
        PriorityClass: EnumTypeDefinition
        QuoteExclusion: MessageTypeDefinition<_tokengrid_job_v1_QuoteExclusion, _tokengrid_job_v1_QuoteExclusion__Output>
        QuoteOption: MessageTypeDefinition<_tokengrid_job_v1_QuoteOption, _tokengrid_job_v1_QuoteOption__Output>
        QuoteRequest: MessageTypeDefinition<_tokengrid_job_v1_QuoteRequest, _tokengrid_job_v1_QuoteRequest__Output>
        QuoteResponse: MessageTypeDefinition<_tokengrid_job_v1_QuoteResponse, _tokengrid_job_v1_QuoteResponse__Output>
        ReadJobLogsRequest: MessageTypeDefinition<_tokengrid_job_v1_ReadJobLogsRequest, _tokengrid_job_v1_ReadJobLogsRequest__Output>
        ReadJobLogsResponse: MessageTypeDefinition<_tokengrid_job_v1_ReadJobLogsResponse, _tokengrid_job_v1_ReadJobLogsResponse__Output>
        ScheduleCandidate: MessageTypeDefinition<_tokengrid_job_v1_ScheduleCandidate, _tokengrid_job_v1_ScheduleCandidate__Output>
        SchedulingReceipt: MessageTypeDefinition<_tokengrid_job_v1_SchedulingReceipt, _tokengrid_job_v1_SchedulingReceipt__Output>
        SubmitJobRequest: MessageTypeDefinition<_tokengrid_job_v1_SubmitJobRequest, _tokengrid_job_v1_SubmitJobRequest__Output>
        SubmitJobResponse: MessageTypeDefinition<_tokengrid_job_v1_SubmitJobResponse, _tokengrid_job_v1_SubmitJobResponse__Output>
        WatchJobRequest: MessageTypeDefinition<_tokengrid_job_v1_WatchJobRequest, _tokengrid_job_v1_WatchJobRequest__Output>
        WatchJobResponse: MessageTypeDefinition<_tokengrid_job_v1_WatchJobResponse, _tokengrid_job_v1_WatchJobResponse__Output>
      }
    }
  }
}

