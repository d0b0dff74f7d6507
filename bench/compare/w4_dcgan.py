"""W4 dcgan-28 reference: small DCGAN on 28x28x1 uniform-noise images, BatchNorm in
training mode throughout, non-saturating loss."""
import common  # first: fixes the thread count before numpy/torch load
from common import Case, main

from nets import adam, batch, gan_iteration, nn, torch, training_case

B = 64


def dcgan_init(m):
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(m.weight, 0.0, 0.02)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


def make():
    pool = torch.rand(1024, 1, 28, 28, generator=torch.Generator().manual_seed(4321), device="cpu").to(common.DEVICE) * 2 - 1
    G = nn.Sequential(
        nn.ConvTranspose2d(64, 128, 7, 1, 0, bias=False), nn.BatchNorm2d(128), nn.ReLU(),
        nn.ConvTranspose2d(128, 64, 4, 2, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
        nn.ConvTranspose2d(64, 1, 4, 2, 1, bias=False), nn.Tanh())
    D = nn.Sequential(
        nn.Conv2d(1, 64, 4, 2, 1, bias=False), nn.LeakyReLU(0.2),
        nn.Conv2d(64, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
        nn.Conv2d(128, 1, 7, 1, 0, bias=False))
    G.apply(dcgan_init)
    D.apply(dcgan_init)
    G.train()
    D.train()
    optG, optD = adam(G, 2e-4, (0.5, 0.999)), adam(D, 2e-4, (0.5, 0.999))

    def step(t):
        loss_d, loss_g = gan_iteration(G, D, optG, optD, batch(pool, t, B), lambda: torch.randn(B, 64, 1, 1))
        return loss_d, {"loss_g": loss_g}
    return step


main("dcgan-28", "W4", [
    Case("torch-dcgan-28", training_case(make), 20, 200, quick=(2, 5), params={"batch": B}),
])
