import { SUCCESS, unresolvable, type FilterPlugin } from "../engine/framework.js";

export const DEVICE_MEMORY = "DeviceMemory";

/** Keeps devices whose memory holds what the job needs per device (its model, or its slice). */
export const deviceMemory: FilterPlugin = {
  name: DEVICE_MEMORY,
  filter(_ctx, job, node) {
    const need = Math.max(job.memoryMbPerDevice, job.slice?.memoryMb ?? 0);
    if (need <= node.memoryMbPerDevice) return SUCCESS;
    return unresolvable(`${node.device.model} has ${node.memoryMbPerDevice} MB per device, the job needs ${need} MB`);
  },
};
