"""Koalarize trainer: the Deep Koalarization colorizer in PyTorch (train, export to ONNX)."""
