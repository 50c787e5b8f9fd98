"""Loading a weights file without running code from it.

torch 1.13's `torch.load(weights_only=True)` refuses plain floats (pickle's BINFLOAT), which every checkpoint's
config holds, so this restricts the unpickler itself: only tensors, storages and plain containers may be built.
A shared or downloaded model folder can therefore not execute anything when it is loaded.
"""
import pickle

import torch

_ALLOWED = {
    ("collections", "OrderedDict"),
    ("torch._utils", "_rebuild_tensor_v2"),
    ("torch._utils", "_rebuild_parameter"),
    ("torch", "Size"),
    ("torch", "device"),
}


class UnsafeWeightsError(pickle.UnpicklingError):
    pass


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise UnsafeWeightsError(f"refusing to load {module}.{name}: a weights file may hold only tensors and plain "
                                 "data (numbers, text, lists, dictionaries)")


class _RestrictedPickle:
    """What torch's loader needs of a pickle module: an Unpickler (torch wraps it and resolves storages itself)."""
    Unpickler = _RestrictedUnpickler


def load_weights(path: str, map_location="cpu"):
    """torch.load that builds nothing but tensors and plain data.

    torch 1.13's torch.load ignores a custom pickle module unless weights_only is set (which refuses floats), so
    this calls its zip-format reader with the restricted unpickler directly."""
    from torch import serialization
    with serialization._open_file_like(path, "rb") as opened:
        if not serialization._is_zipfile(opened):
            raise UnsafeWeightsError(f"{path} is not a PyTorch weights file (zip format)")
        with serialization._open_zipfile_reader(opened) as archive:
            return serialization._load(archive, map_location, _RestrictedPickle, encoding="utf-8")
