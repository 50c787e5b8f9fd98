"""A small global-feature CNN trained jointly with the colorizer (after Iizuka et al., 2016).

It stands in for Inception-ResNet-v2 where no pretrained ImageNet weights are available.
"""
import torch
import torch.nn as nn

_CHANNELS = (32, 64, 128, 128, 256, 256)
_STRIDES = (2, 1, 2, 2, 2, 2)


class LearnedExtractor(nn.Module):
    def __init__(self, input_size: int = 128, embedding_width: int = 256):
        super().__init__()
        self.input_size = input_size
        self.embedding_width = embedding_width
        layers, in_ch = [], 1
        for out_ch, stride in zip(_CHANNELS, _STRIDES):
            layers += [nn.Conv2d(in_ch, out_ch, 3, stride=stride, padding=1),
                       nn.BatchNorm2d(out_ch), nn.ReLU(inplace=True)]
            in_ch = out_ch
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(
            nn.Linear(in_ch, 512), nn.ReLU(inplace=True), nn.Linear(512, embedding_width),
        )

    def forward(self, l: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(l).mean(dim=(2, 3)))
