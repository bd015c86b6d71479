"""Lesson memory: records, embeddings, the store (Qdrant Edge or qdrant-client behind it) and the relevance gate."""

from memory.errors import (
    AlhfError,
    EmbeddingModelError,
    StoreEngineError,
    StoreFormatError,
    StoreLockedError,
    UnknownComponentError,
)
from memory.gate import GateSettings, RelevanceGate
from memory.records import Component, Document, GateDecision, Lesson, LessonAction, LessonType, Severity
from memory.store import MemoryStore

__all__ = [
    "AlhfError",
    "Component",
    "Document",
    "EmbeddingModelError",
    "GateDecision",
    "GateSettings",
    "Lesson",
    "LessonAction",
    "LessonType",
    "MemoryStore",
    "RelevanceGate",
    "Severity",
    "StoreEngineError",
    "StoreFormatError",
    "StoreLockedError",
    "UnknownComponentError",
]
