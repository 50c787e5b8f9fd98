"""Pluggable global feature extractors: luminance [N, 1, S, S] in [-1, 1] -> embedding [N, E]."""
from .learned import LearnedExtractor


def build_extractor(kind: str, input_size: int, embedding_width: int):
    if kind == "learned":
        return LearnedExtractor(input_size, embedding_width)
    if kind == "inception_resnet_v2":
        from .inception_resnet_v2 import InceptionResNetV2Extractor
        return InceptionResNetV2Extractor(input_size)
    raise ValueError(f"unknown extractor {kind!r} (expected 'learned' or 'inception_resnet_v2')")
