"""W3 vae-mlp-784 reference: MLP VAE with a Bernoulli decoder on random binary images."""
import common  # first: fixes the thread count before numpy/torch load
from common import Case, main

from nets import F, adam, batch, nn, torch, training_case

B = 128


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(784, 400)
        self.mu = nn.Linear(400, 20)
        self.logvar = nn.Linear(400, 20)
        self.dec1 = nn.Linear(20, 400)
        self.dec2 = nn.Linear(400, 784)

    def forward(self, x, eps):
        h = F.relu(self.enc(x))
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + eps * torch.exp(0.5 * logvar)
        return self.dec2(F.relu(self.dec1(z))), mu, logvar


def make():
    pool = (torch.rand(8192, 784, generator=torch.Generator().manual_seed(1234), device="cpu").to(common.DEVICE) < 0.5).float()
    model = VAE()
    opt = adam(model, 1e-3, (0.9, 0.999))

    def step(t):
        x = batch(pool, t, B)
        logits, mu, logvar = model(x, torch.randn(B, 20))
        bce = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
        kld = -0.5 * torch.sum(1 + logvar - mu * mu - torch.exp(logvar))
        loss = (bce + kld) / B
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item(), {}
    return step


main("vae-mlp-784", "W3", [
    Case("torch-vae-mlp-784", training_case(make), 20, 200, quick=(2, 5), params={"batch": B}),
])
