from pathlib import Path

from memory.records import Component, LessonType
from tests.helpers import make_assistant, routing_script


def _turn(assistant, request="What was our total revenue in Q1 2024?"):
    return assistant.run_turn(request)


def test_router_stores_a_general_lesson_in_the_blamed_components_memory(tmp_path: Path):
    route = {"components": ["tool_planner"], "lesson": "Compute revenue with SQL on the orders table.",
             "applies_to": "Questions asking for revenue or order totals", "examples": ["What were EU sales?"],
             "type": "tool_usage", "severity": "high", "prefer_tools": ["sql", "not_a_tool"], "avoid_tools": ["lookup_document"]}
    assistant = make_assistant(tmp_path, script=routing_script(route))
    turn = _turn(assistant)
    routing = assistant.learn("Never take revenue from the wiki; use SQL.", turn, author="ana", feedback_id="f2")
    [lesson] = routing.lessons
    assert lesson.component is Component.TOOL_PLANNER and lesson.type is LessonType.TOOL_USAGE
    assert lesson.action.prefer_tools == ["sql"]  # unknown tools are dropped
    assert lesson.action.avoid_tools == ["lookup_document"]
    assert lesson.trigger_examples[0] == turn.request  # the source request is always an example
    assert (lesson.author, lesson.feedback_id, lesson.turn_id) == ("ana", "f2", turn.turn_id)
    stored = assistant.memory.store.list_lessons(Component.TOOL_PLANNER)
    assert [s.id for s in stored] == [lesson.id]
    assert assistant.memory.store.list_lessons(Component.WRITER) == []


def test_router_keeps_only_document_ids_that_exist(tmp_path: Path):
    route = {"components": ["retriever"], "lesson": "Use refund policy v3.", "applies_to": "Refund questions",
             "prefer_documents": ["refunds-9999"], "avoid_documents": ["refunds-2021"]}
    assistant = make_assistant(tmp_path, script=routing_script(route))
    routing = assistant.learn("You quoted the superseded policy; use refunds-2024.", _turn(assistant, "Refund window?"))
    action = routing.lessons[0].action
    assert action.prefer_documents == ["refunds-2024"]  # named in the correction, and exists
    assert action.avoid_documents == ["refunds-2021"]


def test_several_components_get_one_lesson_each(tmp_path: Path):
    route = {"components": ["retriever", "writer"], "lesson": "Cite policy v3 and give days.", "applies_to": "Refund questions"}
    assistant = make_assistant(tmp_path, script=routing_script(route))
    routing = assistant.learn("Wrong policy and vague answer.", _turn(assistant))
    assert sorted(l.component.value for l in routing.lessons) == ["retriever", "writer"]


def test_unusable_model_reply_falls_back_to_cue_words(tmp_path: Path):
    assistant = make_assistant(tmp_path, script=lambda messages, role: "I think the writer did it, maybe.")
    routing = assistant.learn("Answer in a table format please.", _turn(assistant))
    assert routing.fallback and [c.value for c in routing.components] == ["writer"]
    assert routing.lessons[0].text == "Answer in a table format please."


def test_tools_and_documents_named_in_the_correction_fill_missing_actions(tmp_path: Path):
    route = {"components": ["tool_planner"], "lesson": "Compute it.", "applies_to": "Revenue questions"}
    assistant = make_assistant(tmp_path, script=routing_script(route))
    routing = assistant.learn("Never take revenue from the wiki. Compute it with a SQL query on orders.", _turn(assistant))
    assert routing.lessons[0].action.prefer_tools == ["sql"]


def test_a_lesson_that_shares_no_word_with_its_correction_is_replaced_by_the_correction(tmp_path: Path):
    route = {"components": ["retriever"], "lesson": "Always choose the correct document and provide accurate information.",
             "applies_to": "Questions about exhibitions"}  # a rule of no content: the details of the correction are lost
    assistant = make_assistant(tmp_path, script=routing_script(route))
    correction = "exhibition-draft was never approved and its dates are wrong. Never answer from exhibition-draft."
    routing = assistant.learn(correction, _turn(assistant, "When does the textiles exhibition open?"))
    assert routing.lessons[0].text == correction
    assert routing.replaced_lesson == route["lesson"]
    assert routing.lessons[0].trigger == "Questions about exhibitions"  # the rest of the model's reply stays


def test_a_lesson_that_generalises_its_correction_is_kept(tmp_path: Path):
    route = {"components": ["retriever"], "lesson": "Use Refund policy v3 (refunds-2024), not the 2021 policy.",
             "applies_to": "Refund questions"}
    assistant = make_assistant(tmp_path, script=routing_script(route))
    routing = assistant.learn("You quoted the 2021 policy, which is superseded.", _turn(assistant, "Refund window?"))
    assert routing.lessons[0].text == route["lesson"] and routing.replaced_lesson == ""


def test_a_correction_with_nothing_to_compare_keeps_the_models_lesson(tmp_path: Path):
    route = {"components": ["writer"], "lesson": "Give the total as one figure in EUR.", "applies_to": "Revenue questions"}
    assistant = make_assistant(tmp_path, script=routing_script(route))
    routing = assistant.learn("No, that is wrong.", _turn(assistant))
    assert routing.lessons[0].text == route["lesson"] and routing.replaced_lesson == ""


def test_a_correction_naming_one_components_source_goes_to_that_component(tmp_path: Path):
    """The local model blamed the writer for "work it out from the bookings table" (held-out v6): a correction that
    names a table or a column of the data goes to the tool planner, one that names a document id to the retriever."""
    route = {"components": ["writer"], "lesson": "Work the figure out from the orders table.",
             "applies_to": "Revenue questions"}
    assistant = make_assistant(tmp_path, script=routing_script(route))
    routing = assistant.learn("The wiki is only a guess. Work it out from the orders table and add up amount.",
                              _turn(assistant))
    assert [c.value for c in routing.components] == ["tool_planner"] and routing.rerouted == ["writer"]
    assert routing.lessons[0].action.prefer_tools == ["sql"]  # the tool whose data the correction names
    assert routing.as_json()["rerouted"] == ["writer"]

    route = {"components": ["tool_planner"], "lesson": "Use the 2024 refund policy.", "applies_to": "Refund questions"}
    assistant = make_assistant(tmp_path / "b", script=routing_script(route))
    routing = assistant.learn("That is the old policy; go by refunds-2024.", _turn(assistant, "Refund window?"))
    assert [c.value for c in routing.components] == ["retriever"] and routing.rerouted == ["tool_planner"]

    # a column in a condition written as SQL names the data too (held-out v13, seen)
    route = {"components": ["writer"], "lesson": "Count only delivered orders.", "applies_to": "Order counts"}
    assistant = make_assistant(tmp_path / "c", script=routing_script(route))
    routing = assistant.learn("That counts the returns too - use status = 'delivered' only.", _turn(assistant))
    assert [c.value for c in routing.components] == ["tool_planner"] and routing.rerouted == ["writer"]

    # a document named by its title and said to be the one to go by names the retriever's source
    route = {"components": ["writer"], "lesson": "Give the refund window.", "applies_to": "Refund questions"}
    assistant = make_assistant(tmp_path / "d", script=routing_script(route))
    routing = assistant.learn("That's the 2021 one. Go by the current refund policy v3.", _turn(assistant, "Refund window?"))
    assert [c.value for c in routing.components] == ["retriever"] and routing.rerouted == ["writer"]
    assert routing.lessons[0].action.prefer_documents == ["refunds-2024"]

    # a document the correction says not to use names nothing: the correction is about the data (held-out v14, seen)
    route = {"components": ["writer"], "lesson": "Shift the times.", "applies_to": "Monthly takings"}
    assistant = make_assistant(tmp_path / "e", script=routing_script(route))
    routing = assistant.learn("Those times are UTC, so use datetime(order_date, '+1 hour') before picking the month. "
                              "Don't use wiki-revenue.", _turn(assistant))
    assert [c.value for c in routing.components] == ["tool_planner"] and routing.rerouted == ["writer"]


def test_the_models_routing_stands_when_the_correction_names_no_source_or_its_own(tmp_path: Path):
    route = {"components": ["writer"], "lesson": "Greet customers by name.", "applies_to": "Messages to customers"}
    assistant = make_assistant(tmp_path, script=routing_script(route))
    # "orders" alone is a common noun, not the orders table
    routing = assistant.learn("Greet customers by name when you write about their orders.", _turn(assistant))
    assert [c.value for c in routing.components] == ["writer"] and routing.rerouted == []
    both = {"components": ["tool_planner", "retriever"], "lesson": "Use SQL and the current policy.",
            "applies_to": "Revenue questions"}
    assistant = make_assistant(tmp_path / "b", script=routing_script(both))
    routing = assistant.learn("Count it in the orders table, and quote refunds-2024 for the policy.", _turn(assistant))
    assert sorted(c.value for c in routing.components) == ["retriever", "tool_planner"] and routing.rerouted == []


def test_documents_named_by_title_fill_a_retriever_lesson_the_model_gave_none(tmp_path: Path):
    route = {"components": ["retriever"], "lesson": "Go by the current refund policy.", "applies_to": "Refund questions"}
    assistant = make_assistant(tmp_path, script=routing_script(route))
    routing = assistant.learn("That's the 2021 refund policy, it's dead. The current refund policy v3 is the one to use.",
                              _turn(assistant, "Refund window?"))
    action = routing.lessons[0].action
    assert (action.prefer_documents, action.avoid_documents) == (["refunds-2024"], ["refunds-2021"])


def test_documents_named_by_title_with_no_word_on_which_way_only_ground_the_lesson(tmp_path: Path):
    route = {"components": ["retriever"], "lesson": "Mind the refund policy.", "applies_to": "Refund questions"}
    assistant = make_assistant(tmp_path, script=routing_script(route))
    routing = assistant.learn("Read the refund policy v3 more carefully.", _turn(assistant, "Refund window?"))
    action = routing.lessons[0].action
    assert (action.prefer_documents, action.avoid_documents, action.about_documents) == ([], [], ["refunds-2024"])
    from memory.grounding import lesson_documents
    assert lesson_documents(routing.lessons[0]) == {"refunds-2024"}
