/** The workloads W1–W8 of shared/bench/workloads.md (the harness and the comparison runner know what is listed here). */
import type { Workload } from "../harness/types.js"
import { w1GanMlp } from "./w1-gan-mlp.js"
import { w2WganGp } from "./w2-wgan-gp.js"
import { w3Vae } from "./w3-vae.js"
import { w4Dcgan } from "./w4-dcgan.js"
import { w5Sinkhorn } from "./w5-sinkhorn.js"
import { w6Emd } from "./w6-emd.js"
import { w7OpDispatch } from "./w7-op-dispatch.js"
import { w8Sgemm } from "./w8-sgemm.js"

export const workloads: readonly Workload[] = [w1GanMlp, w2WganGp, w3Vae, w4Dcgan, w5Sinkhorn, w6Emd, w7OpDispatch, w8Sgemm]

/** A workload by id ("W7") or name ("op-dispatch"), case-insensitive. */
export const findWorkload = (key: string): Workload | undefined => {
  const k = key.toLowerCase()
  return workloads.find((w) => w.id.toLowerCase() === k || w.name === k)
}
