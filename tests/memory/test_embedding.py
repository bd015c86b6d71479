import numpy as np

from memory.embedding import HashingEmbedder


def test_hashing_embedder_ranks_by_overlap_not_a_constant():
    emb = HashingEmbedder()
    a, b, c = emb.embed(["refund window for customers", "customers refund window", "express shipping time"])
    assert float(a @ b) > 0.7
    assert float(a @ c) < 0.3
    assert not np.allclose(a, c)
