"""W1 gan-mlp-2d reference: non-saturating GAN, MLPs of width 128, 25-Gaussian data."""
import common  # first: fixes the thread count before numpy/torch load
from common import Case, main

from nets import adam, batch, gan_iteration, gaussians25_pool, mlp, torch, training_case

B = 256


def make():
    pool = gaussians25_pool()
    G = mlp([2, 128, 128, 128, 2])
    D = mlp([2, 128, 128, 128, 1])
    optG, optD = adam(G, 1e-4, (0.5, 0.9)), adam(D, 1e-4, (0.5, 0.9))

    def step(t):
        loss_d, loss_g = gan_iteration(G, D, optG, optD, batch(pool, t, B), lambda: torch.randn(B, 2))
        return loss_d, {"loss_g": loss_g}
    return step


main("gan-mlp-2d", "W1", [
    Case("torch-gan-mlp-2d", training_case(make), 20, 200, quick=(2, 5), params={"batch": B, "hidden": 128}),
])
