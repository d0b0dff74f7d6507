"""W2 wgan-gp-2d reference: WGAN-GP (lambda 10), 5 critic steps per generator step, double
backward through the gradient penalty. Hidden width 512 and the 128 variant."""
import common  # first: fixes the thread count before numpy/torch load
from common import Case, main

from nets import adam, batch, frozen, gaussians25_pool, mlp, torch, training_case

B, CRITIC_STEPS, LAMBDA = 256, 5, 10.0


def make(width):
    def build():
        pool = gaussians25_pool()
        G = mlp([2, width, width, width, 2])
        D = mlp([2, width, width, width, 1])
        optG, optD = adam(G, 1e-4, (0.5, 0.9)), adam(D, 1e-4, (0.5, 0.9))
        counter = {"batch": 0}

        def critic_step():
            real = batch(pool, counter["batch"], B)
            counter["batch"] += 1
            with torch.no_grad():
                fake = G(torch.randn(B, 2))
            alpha = torch.rand(B, 1)
            xhat = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
            (grad,) = torch.autograd.grad(D(xhat).sum(), xhat, create_graph=True)
            gp = ((grad.norm(2, dim=1) - 1) ** 2).mean()
            loss_d = D(fake).mean() - D(real).mean() + LAMBDA * gp
            optD.zero_grad()
            loss_d.backward()
            optD.step()
            return loss_d, gp

        def step(_t):
            for _ in range(CRITIC_STEPS):
                loss_d, gp = critic_step()
            frozen(D, True)
            loss_g = -D(G(torch.randn(B, 2))).mean()
            optG.zero_grad()
            loss_g.backward()
            optG.step()
            frozen(D, False)
            return loss_d.item(), {"gp": gp.item(), "loss_g": loss_g.item()}
        return step
    return build


main("wgan-gp-2d", "W2", [
    Case("torch-wgan-gp-h%d" % w, training_case(make(w)), 20, 200, quick=(2, 5),
         params={"batch": B, "hidden": w, "critic_steps": CRITIC_STEPS})
    for w in (512, 128)
])
