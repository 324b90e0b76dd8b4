/**
 * The demo fleet: one simulated node per national cluster, with a mix of
 * accelerator vendors, owned by a west and an east operator.
 */
export interface AgentSpec {
  nodeId: string;
  operatorId: string;
  cluster: string;
  accelerators: { model: string; count: number }[];
  /** How the node runs work (default: both, commands as processes and size-only jobs simulated). */
  executors?: ("process" | "simulated")[];
}

export const DEFAULT_FLEET: readonly AgentSpec[] = [
  { nodeId: "horinger-h100-01", operatorId: "op-west", cluster: "horinger", accelerators: [{ model: "nvidia-h100-sxm", count: 8 }] },
  { nodeId: "guian-910b-01", operatorId: "op-west", cluster: "guian", accelerators: [{ model: "ascend-910b", count: 8 }] },
  { nodeId: "qingyang-k100-01", operatorId: "op-west", cluster: "qingyang", accelerators: [{ model: "hygon-dcu-k100", count: 8 }] },
  { nodeId: "zhongwei-a100-01", operatorId: "op-west", cluster: "zhongwei", accelerators: [{ model: "nvidia-a100-sxm", count: 8 }] },
  { nodeId: "zhangjiakou-h20-01", operatorId: "op-east", cluster: "zhangjiakou", accelerators: [{ model: "nvidia-h20", count: 8 }] },
  { nodeId: "wuhu-mlu370-01", operatorId: "op-east", cluster: "wuhu", accelerators: [{ model: "cambricon-mlu370-x8", count: 8 }] },
  { nodeId: "yrd-h100-01", operatorId: "op-east", cluster: "yangtze-delta", accelerators: [{ model: "nvidia-h100-sxm", count: 8 }] },
  { nodeId: "shaoguan-910b-01", operatorId: "op-east", cluster: "shaoguan", accelerators: [{ model: "ascend-910b", count: 8 }] },
  { nodeId: "tianfu-p800-01", operatorId: "op-east", cluster: "tianfu", accelerators: [{ model: "kunlunxin-p800", count: 8 }] },
  { nodeId: "chongqing-c500-01", operatorId: "op-east", cluster: "chongqing", accelerators: [{ model: "metax-c500", count: 8 }] },
];
