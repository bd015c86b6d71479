"""The agents: Retriever, ToolPlanner, Writer, FeedbackRouter and the human, all AutoGen ConversableAgents."""

from agents.answer_check import AnswerCheck, AnswerChecker
from agents.human import CallbackInput, Checkpoint, CheckpointKind, HumanAgent, ScriptedHuman
from agents.llm import LLM
from agents.retriever import Retrieval, RetrieverAgent
from agents.router import FeedbackRouterAgent, Routing, TurnEvidence
from agents.settings import ModelSettings
from agents.tool_planner import ToolPlan, ToolPlannerAgent
from agents.tools import Tool, ToolRegistry, ToolResult
from agents.writer import WriterAgent, WrittenAnswer

__all__ = [
    "AnswerCheck", "AnswerChecker", "CallbackInput", "Checkpoint", "CheckpointKind", "FeedbackRouterAgent", "HumanAgent", "LLM", "ModelSettings",
    "Retrieval", "RetrieverAgent", "Routing", "ScriptedHuman", "Tool", "ToolPlan", "ToolPlannerAgent",
    "ToolRegistry", "ToolResult", "TurnEvidence", "WriterAgent", "WrittenAnswer",
]
