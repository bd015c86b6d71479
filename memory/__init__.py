"""Lesson memory: records, embeddings, the store (Qdrant Edge or qdrant-client behind it) and the relevance
gate, each imported on first use."""

from memory.lazy import lazy_exports

_EXPORTS = {
    "AlhfError": "memory.errors", "EmbeddingModelError": "memory.errors", "StoreEngineError": "memory.errors",
    "StoreFormatError": "memory.errors", "StoreLockedError": "memory.errors",
    "UnknownComponentError": "memory.errors", "GateSettings": "memory.gate", "RelevanceGate": "memory.gate",
    "Component": "memory.records", "Document": "memory.records", "GateDecision": "memory.records",
    "Lesson": "memory.records", "LessonAction": "memory.records", "LessonType": "memory.records",
    "Severity": "memory.records", "MemoryStore": "memory.store",
}
__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
