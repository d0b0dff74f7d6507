/**
 * Which of our impls is compared with which reference impls (bench/compare/*.py). An impl
 * name listed under `ours` that is not in bench/workloads is reported as missing; when a
 * workload lands, give its cases these names (or change them here).
 */
export interface Pairing {
  readonly id: string
  readonly workload: string
  /** Distinguishes settings within a workload (N of W8, domain and dtype of W5, ...). */
  readonly variant: string
  readonly ours: readonly string[]
  readonly script: string
  readonly theirs: readonly string[]
}

const p = (id: string, workload: string, variant: string, ours: string[], script: string, theirs: string[]): Pairing => ({
  id, workload, variant, ours, script, theirs
})

export const pairings: readonly Pairing[] = [
  p("W1", "gan-mlp-2d", "", ["diverge-gan-mlp-2d"], "w1_gan_mlp.py", ["torch-gan-mlp-2d"]),
  p("W2", "wgan-gp-2d", "h512", ["diverge-wgan-gp-h512"], "w2_wgan_gp.py", ["torch-wgan-gp-h512"]),
  p("W2", "wgan-gp-2d", "h128", ["diverge-wgan-gp-h128"], "w2_wgan_gp.py", ["torch-wgan-gp-h128"]),
  p("W3", "vae-mlp-784", "", ["diverge-vae-mlp-784"], "w3_vae.py", ["torch-vae-mlp-784"]),
  p("W4", "dcgan-28", "", ["diverge-dcgan-28"], "w4_dcgan.py", ["torch-dcgan-28"]),
  p("W5", "sinkhorn", "std-f64", ["diverge-std-f64"], "w5_sinkhorn.py", ["pot-sinkhorn-f64", "torch-std-f64"]),
  p("W5", "sinkhorn", "log-f64", ["diverge-log-f64"], "w5_sinkhorn.py", ["pot-sinkhorn_log-f64", "torch-log-f64"]),
  p("W5", "sinkhorn", "std-f32", ["diverge-std-f32"], "w5_sinkhorn.py", ["torch-std-f32"]),
  p("W5", "sinkhorn", "log-f32", ["diverge-log-f32"], "w5_sinkhorn.py", ["torch-log-f32"]),
  p("W6", "emd-exact", "", ["diverge-emd-f64"], "w6_emd.py", ["pot-emd2-f64", "scipy-lsa-f64"]),
  p("W7", "op-dispatch", "nograd", ["diverge-add-dispose", "diverge-add-scoped"], "w7_op_dispatch.py", ["torch-add-nograd", "numpy-add"]),
  p("W7", "op-dispatch", "autograd", ["diverge-add-autograd"], "w7_op_dispatch.py", ["torch-add-autograd"]),
  p("W8", "sgemm-peak", "n1024", ["diverge-matmul-1024"], "w8_sgemm.py", ["numpy-openblas-1024", "torch-mm-1024"]),
  p("W8", "sgemm-peak", "n2048", ["diverge-matmul-2048"], "w8_sgemm.py", ["numpy-openblas-2048", "torch-mm-2048"])
]
