"""The exponential moving average of the weights that runs evaluate, keep and export."""
import copy

import torch


class WeightAverage:
    """Exponential moving average of the weights (buffers copied): evaluated and exported instead of the raw ones."""

    def __init__(self, model: torch.nn.Module, decay: float):
        self.decay = decay
        self.model = copy.deepcopy(model).eval()
        for p in self.model.parameters():
            p.requires_grad_(False)

    @torch.no_grad()
    def update(self, model: torch.nn.Module, step: int) -> None:
        decay = min(self.decay, (1 + step) / (10 + step))  # short runs are not dominated by the initial weights
        for average, current in zip(self.model.parameters(), model.parameters()):
            average.mul_(decay).add_(current.detach(), alpha=1 - decay)
        for average, current in zip(self.model.buffers(), model.buffers()):
            average.copy_(current)

