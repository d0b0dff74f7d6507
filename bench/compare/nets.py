"""Networks, data pools and steps shared by the W1–W4 references (PyTorch 1.13, float32).
Imported after `common`, so torch loads with the thread count already fixed."""
import numpy as np

import common

torch = common.init_torch()
nn = torch.nn
F = torch.nn.functional


def mlp(sizes):
    """Linear layers with ReLU between them, none after the last (PyTorch's default init)."""
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def gaussians25_pool():
    """65,536 points of the 25-Gaussian grid (workloads.md, shared data), float32 [65536, 2]."""
    rs = np.random.RandomState(0)
    c = rs.randint(0, 25, 65536)
    noise = rs.randn(65536, 2)
    centres = np.stack([2 * (c // 5 - 2), 2 * (c % 5 - 2)], axis=1).astype(np.float64)
    return torch.from_numpy(((centres + 0.05 * noise) / 2.828).astype(np.float32)).to(common.DEVICE)


def batch(pool, t, size):
    """Batch t: rows [size * (t mod #batches), +size), a view."""
    k = t % (pool.shape[0] // size)
    return pool[size * k: size * (k + 1)]


def frozen(net, flag):
    for p in net.parameters():
        p.requires_grad_(not flag)


def adam(net, lr, betas):
    return torch.optim.Adam(net.parameters(), lr=lr, betas=betas, eps=1e-8)


def gan_iteration(G, D, optG, optD, real, noise):
    """One non-saturating GAN iteration (W1, W4): D step on real and no-grad fake, then
    G step with D frozen. noise() draws a fresh batch of z. Returns (L_D, L_G) as floats."""
    with torch.no_grad():
        fake = G(noise())
    loss_d = F.softplus(-D(real).reshape(-1)).mean() + F.softplus(D(fake).reshape(-1)).mean()
    optD.zero_grad()
    loss_d.backward()
    optD.step()
    frozen(D, True)
    loss_g = F.softplus(-D(G(noise())).reshape(-1)).mean()
    optG.zero_grad()
    loss_g.backward()
    optG.step()
    frozen(D, False)
    return loss_d.item(), loss_g.item()


def training_case(make):
    """A Case runner for a training workload: make() builds everything outside the timed
    region and returns step(t) -> (value, extra); step t uses batch t."""
    def run(warmup, reps):
        torch.manual_seed(0)  # reference script only: model init and noise
        step = make()
        state = {"t": 0, "out": None}

        def unit():
            state["out"] = step(state["t"])
            state["t"] += 1
        times = common.time_units(unit, warmup, reps)
        value, extra = state["out"]
        return times, value, "loss", dict(extra, steps=state["t"])
    return run
