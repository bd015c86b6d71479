"""Export a turn's spans to an OpenTelemetry collector over OTLP/HTTP (off unless configured)."""

from __future__ import annotations

import json
from typing import Any

from agents.tracing import Span
from memory.errors import AlhfError

__all__ = ["OtlpExporter"]


def _flat(attributes: dict[str, Any]) -> dict[str, Any]:
    """OTel attributes are scalars (or lists of them); anything else goes as JSON text."""
    out: dict[str, Any] = {}
    for key, value in attributes.items():
        if isinstance(value, (str, bool, int, float)):
            out[f"alhf.{key}"] = value
        elif value is not None:
            out[f"alhf.{key}"] = json.dumps(value, default=str)
    return out


class OtlpExporter:
    """Replays recorded spans (with their real start times and durations) into OTel spans."""

    def __init__(self, endpoint: str | None, service_name: str = "alhf", *, span_exporter: Any = None) -> None:
        try:
            from opentelemetry.sdk.resources import Resource
            from opentelemetry.sdk.trace import TracerProvider
            from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
        except ImportError:
            raise AlhfError("tracing.otlp_endpoint is set but OpenTelemetry is not installed: "
                            "run `pip install -e '.[otlp]'`, or unset tracing.otlp_endpoint.") from None
        self.provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
        if span_exporter is None:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            self.provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
        else:
            self.provider.add_span_processor(SimpleSpanProcessor(span_exporter))
        self._tracer = self.provider.get_tracer("alhf")

    def export(self, spans: list[Span]) -> None:
        from opentelemetry import trace

        started: dict[str, Any] = {}
        for sp in sorted(spans, key=lambda s: s.start_ns):
            parent = started.get(sp.parent_id) if sp.parent_id else None
            context = trace.set_span_in_context(parent) if parent is not None else None
            otel = self._tracer.start_span(sp.name, context=context, start_time=sp.start_ns,
                                           attributes=_flat(sp.attributes))
            otel.end(end_time=sp.start_ns + int(sp.duration_ms * 1_000_000))
            started[sp.id] = otel

    def close(self) -> None:
        self.provider.shutdown()
