import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';
import type { BalanceExhausted as _tokengrid_events_v1_BalanceExhausted, BalanceExhausted__Output as _tokengrid_events_v1_BalanceExhausted__Output } from './tokengrid/events/v1/BalanceExhausted.js';
import type { JobEvent as _tokengrid_events_v1_JobEvent, JobEvent__Output as _tokengrid_events_v1_JobEvent__Output } from './tokengrid/events/v1/JobEvent.js';
import type { LogChunk as _tokengrid_events_v1_LogChunk, LogChunk__Output as _tokengrid_events_v1_LogChunk__Output } from './tokengrid/events/v1/LogChunk.js';
import type { NodeRecord as _tokengrid_events_v1_NodeRecord, NodeRecord__Output as _tokengrid_events_v1_NodeRecord__Output } from './tokengrid/events/v1/NodeRecord.js';
import type { ReplicaPlacement as _tokengrid_events_v1_ReplicaPlacement, ReplicaPlacement__Output as _tokengrid_events_v1_ReplicaPlacement__Output } from './tokengrid/events/v1/ReplicaPlacement.js';
import type { UsageBatch as _tokengrid_events_v1_UsageBatch, UsageBatch__Output as _tokengrid_events_v1_UsageBatch__Output } from './tokengrid/events/v1/UsageBatch.js';
import type { UsageEvent as _tokengrid_events_v1_UsageEvent, UsageEvent__Output as _tokengrid_events_v1_UsageEvent__Output } from './tokengrid/events/v1/UsageEvent.js';
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
import type { Accelerator as _tokengrid_node_v1_Accelerator, Accelerator__Output as _tokengrid_node_v1_Accelerator__Output } from './tokengrid/node/v1/Accelerator.js';
import type { Assignment as _tokengrid_node_v1_Assignment, Assignment__Output as _tokengrid_node_v1_Assignment__Output } from './tokengrid/node/v1/Assignment.js';
import type { Cancel as _tokengrid_node_v1_Cancel, Cancel__Output as _tokengrid_node_v1_Cancel__Output } from './tokengrid/node/v1/Cancel.js';
import type { ConnectRequest as _tokengrid_node_v1_ConnectRequest, ConnectRequest__Output as _tokengrid_node_v1_ConnectRequest__Output } from './tokengrid/node/v1/ConnectRequest.js';
import type { ConnectResponse as _tokengrid_node_v1_ConnectResponse, ConnectResponse__Output as _tokengrid_node_v1_ConnectResponse__Output } from './tokengrid/node/v1/ConnectResponse.js';
import type { CreateEnrolmentRequest as _tokengrid_node_v1_CreateEnrolmentRequest, CreateEnrolmentRequest__Output as _tokengrid_node_v1_CreateEnrolmentRequest__Output } from './tokengrid/node/v1/CreateEnrolmentRequest.js';
import type { CreateEnrolmentResponse as _tokengrid_node_v1_CreateEnrolmentResponse, CreateEnrolmentResponse__Output as _tokengrid_node_v1_CreateEnrolmentResponse__Output } from './tokengrid/node/v1/CreateEnrolmentResponse.js';
import type { EnergyProfile as _tokengrid_node_v1_EnergyProfile, EnergyProfile__Output as _tokengrid_node_v1_EnergyProfile__Output } from './tokengrid/node/v1/EnergyProfile.js';
import type { EnrolRequest as _tokengrid_node_v1_EnrolRequest, EnrolRequest__Output as _tokengrid_node_v1_EnrolRequest__Output } from './tokengrid/node/v1/EnrolRequest.js';
import type { EnrolResponse as _tokengrid_node_v1_EnrolResponse, EnrolResponse__Output as _tokengrid_node_v1_EnrolResponse__Output } from './tokengrid/node/v1/EnrolResponse.js';
import type { Heartbeat as _tokengrid_node_v1_Heartbeat, Heartbeat__Output as _tokengrid_node_v1_Heartbeat__Output } from './tokengrid/node/v1/Heartbeat.js';
import type { Hello as _tokengrid_node_v1_Hello, Hello__Output as _tokengrid_node_v1_Hello__Output } from './tokengrid/node/v1/Hello.js';
import type { JobStatus as _tokengrid_node_v1_JobStatus, JobStatus__Output as _tokengrid_node_v1_JobStatus__Output } from './tokengrid/node/v1/JobStatus.js';
import type { Lease as _tokengrid_node_v1_Lease, Lease__Output as _tokengrid_node_v1_Lease__Output } from './tokengrid/node/v1/Lease.js';
import type { ListNodesRequest as _tokengrid_node_v1_ListNodesRequest, ListNodesRequest__Output as _tokengrid_node_v1_ListNodesRequest__Output } from './tokengrid/node/v1/ListNodesRequest.js';
import type { ListNodesResponse as _tokengrid_node_v1_ListNodesResponse, ListNodesResponse__Output as _tokengrid_node_v1_ListNodesResponse__Output } from './tokengrid/node/v1/ListNodesResponse.js';
import type { Node as _tokengrid_node_v1_Node, Node__Output as _tokengrid_node_v1_Node__Output } from './tokengrid/node/v1/Node.js';
import type { NodeServiceClient as _tokengrid_node_v1_NodeServiceClient, NodeServiceDefinition as _tokengrid_node_v1_NodeServiceDefinition } from './tokengrid/node/v1/NodeService.js';
import type { RegisterRequest as _tokengrid_node_v1_RegisterRequest, RegisterRequest__Output as _tokengrid_node_v1_RegisterRequest__Output } from './tokengrid/node/v1/RegisterRequest.js';
import type { RegisterResponse as _tokengrid_node_v1_RegisterResponse, RegisterResponse__Output as _tokengrid_node_v1_RegisterResponse__Output } from './tokengrid/node/v1/RegisterResponse.js';
import type { Rendezvous as _tokengrid_node_v1_Rendezvous, Rendezvous__Output as _tokengrid_node_v1_Rendezvous__Output } from './tokengrid/node/v1/Rendezvous.js';
import type { RevokeNodeRequest as _tokengrid_node_v1_RevokeNodeRequest, RevokeNodeRequest__Output as _tokengrid_node_v1_RevokeNodeRequest__Output } from './tokengrid/node/v1/RevokeNodeRequest.js';
import type { RevokeNodeResponse as _tokengrid_node_v1_RevokeNodeResponse, RevokeNodeResponse__Output as _tokengrid_node_v1_RevokeNodeResponse__Output } from './tokengrid/node/v1/RevokeNodeResponse.js';

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
    events: {
      v1: {
        BalanceExhausted: MessageTypeDefinition<_tokengrid_events_v1_BalanceExhausted, _tokengrid_events_v1_BalanceExhausted__Output>
        JobEvent: MessageTypeDefinition<_tokengrid_events_v1_JobEvent, _tokengrid_events_v1_JobEvent__Output>
        LogChunk: MessageTypeDefinition<_tokengrid_events_v1_LogChunk, _tokengrid_events_v1_LogChunk__Output>
        NodeRecord: MessageTypeDefinition<_tokengrid_events_v1_NodeRecord, _tokengrid_events_v1_NodeRecord__Output>
        ReplicaPlacement: MessageTypeDefinition<_tokengrid_events_v1_ReplicaPlacement, _tokengrid_events_v1_ReplicaPlacement__Output>
        UsageBatch: MessageTypeDefinition<_tokengrid_events_v1_UsageBatch, _tokengrid_events_v1_UsageBatch__Output>
        UsageEvent: MessageTypeDefinition<_tokengrid_events_v1_UsageEvent, _tokengrid_events_v1_UsageEvent__Output>
      }
    }
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
    node: {
      v1: {
        Accelerator: MessageTypeDefinition<_tokengrid_node_v1_Accelerator, _tokengrid_node_v1_Accelerator__Output>
        Assignment: MessageTypeDefinition<_tokengrid_node_v1_Assignment, _tokengrid_node_v1_Assignment__Output>
        Cancel: MessageTypeDefinition<_tokengrid_node_v1_Cancel, _tokengrid_node_v1_Cancel__Output>
        ConnectRequest: MessageTypeDefinition<_tokengrid_node_v1_ConnectRequest, _tokengrid_node_v1_ConnectRequest__Output>
        ConnectResponse: MessageTypeDefinition<_tokengrid_node_v1_ConnectResponse, _tokengrid_node_v1_ConnectResponse__Output>
        CreateEnrolmentRequest: MessageTypeDefinition<_tokengrid_node_v1_CreateEnrolmentRequest, _tokengrid_node_v1_CreateEnrolmentRequest__Output>
        CreateEnrolmentResponse: MessageTypeDefinition<_tokengrid_node_v1_CreateEnrolmentResponse, _tokengrid_node_v1_CreateEnrolmentResponse__Output>
        EnergyProfile: MessageTypeDefinition<_tokengrid_node_v1_EnergyProfile, _tokengrid_node_v1_EnergyProfile__Output>
        EnrolRequest: MessageTypeDefinition<_tokengrid_node_v1_EnrolRequest, _tokengrid_node_v1_EnrolRequest__Output>
        EnrolResponse: MessageTypeDefinition<_tokengrid_node_v1_EnrolResponse, _tokengrid_node_v1_EnrolResponse__Output>
        Heartbeat: MessageTypeDefinition<_tokengrid_node_v1_Heartbeat, _tokengrid_node_v1_Heartbeat__Output>
        Hello: MessageTypeDefinition<_tokengrid_node_v1_Hello, _tokengrid_node_v1_Hello__Output>
        JobRunState: EnumTypeDefinition
        JobStatus: MessageTypeDefinition<_tokengrid_node_v1_JobStatus, _tokengrid_node_v1_JobStatus__Output>
        Lease: MessageTypeDefinition<_tokengrid_node_v1_Lease, _tokengrid_node_v1_Lease__Output>
        ListNodesRequest: MessageTypeDefinition<_tokengrid_node_v1_ListNodesRequest, _tokengrid_node_v1_ListNodesRequest__Output>
        ListNodesResponse: MessageTypeDefinition<_tokengrid_node_v1_ListNodesResponse, _tokengrid_node_v1_ListNodesResponse__Output>
        Node: MessageTypeDefinition<_tokengrid_node_v1_Node, _tokengrid_node_v1_Node__Output>
        /**
         * NodeService is the node agents' door (Register, Connect) and the operators'
         * view of the fleet (ListNodes).
         */
        NodeService: SubtypeConstructor<typeof grpc.Client, _tokengrid_node_v1_NodeServiceClient> & { service: _tokengrid_node_v1_NodeServiceDefinition }
        NodeState: EnumTypeDefinition
        RegisterRequest: MessageTypeDefinition<_tokengrid_node_v1_RegisterRequest, _tokengrid_node_v1_RegisterRequest__Output>
        RegisterResponse: MessageTypeDefinition<_tokengrid_node_v1_RegisterResponse, _tokengrid_node_v1_RegisterResponse__Output>
        Rendezvous: MessageTypeDefinition<_tokengrid_node_v1_Rendezvous, _tokengrid_node_v1_Rendezvous__Output>
        RevokeNodeRequest: MessageTypeDefinition<_tokengrid_node_v1_RevokeNodeRequest, _tokengrid_node_v1_RevokeNodeRequest__Output>
        RevokeNodeResponse: MessageTypeDefinition<_tokengrid_node_v1_RevokeNodeResponse, _tokengrid_node_v1_RevokeNodeResponse__Output>
      }
    }
  }
}

