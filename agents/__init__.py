"""The agents: Retriever, ToolPlanner, Writer, FeedbackRouter and the human, all AutoGen ConversableAgents
(imported on first use: AutoGen is slow to import)."""

from memory.lazy import lazy_exports

_EXPORTS = {
    "AnswerCheck": "agents.answer_check", "AnswerChecker": "agents.answer_check", "WrittenAnswer": "agents.writer",
    "CallbackInput": "agents.human", "Checkpoint": "agents.human", "CheckpointKind": "agents.human",
    "HumanAgent": "agents.human", "ScriptedHuman": "agents.human", "LLM": "agents.llm",
    "Retrieval": "agents.retriever", "RetrieverAgent": "agents.retriever", "FeedbackRouterAgent": "agents.router",
    "Routing": "agents.router", "TurnEvidence": "agents.router", "ModelSettings": "agents.settings",
    "ToolPlan": "agents.tool_planner", "ToolPlannerAgent": "agents.tool_planner", "Tool": "agents.tools",
    "ToolRegistry": "agents.tools", "ToolResult": "agents.tools", "WriterAgent": "agents.writer",
}
__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
