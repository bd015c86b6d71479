"""The synthetic workload of bench/bench_batch.py: request templates and lesson texts on the demo shop's
topics (kept as they were when the recorded figures were measured)."""

from __future__ import annotations

import random

from memory.records import Component, LessonAction

PRODUCTS = ["speaker", "charger", "headphones", "tablet", "smartwatch", "keyboard", "webcam", "router",
            "power bank", "earbuds", "monitor", "drone"]


REGIONS = ["EU", "US", "APAC", "the UK", "Canada", "Germany", "Japan", "Brazil"]


PERIODS = ["last week", "in Q1", "in April 2024", "this month", "last quarter", "in 2023", "since January",
           "over the past 30 days", "in February", "yesterday"]


PEOPLE = ["a customer", "my manager", "a reseller", "a new client", "our finance team", "a student",
          "an angry customer", "a partner shop"]


SHOP_TEMPLATES = [  # the requests every benchmark asks about the demo shop
    "How many days do I have to return a {product} bought {period}?",
    "Can {person} get a refund for a {product} ordered from {region}?",
    "What is the refund policy for {product} orders {period}?",
    "Are refunds for a broken {product} paid back as store credit or to the card?",
    "How long does standard shipping of a {product} to {region} take?",
    "If I order a {product} at 4 pm, when does it ship to {region}?",
    "Is express shipping available for a {product} to {region}?",
    "Does the warranty cover a {product} that {person} dropped?",
    "How long is the warranty on a {product} bought {period}?",
    "What was the total revenue from {product} sales in {region} {period}?",
    "Compute the average order amount in {region} {period}.",
    "How many orders of {product} did we get from {region} {period}?",
    "Sum the order amounts for {product} {period}, grouped by region.",
    "How many support tickets about refunds are still open {period}?",
    "List the open tickets about shipping of {product} orders.",
    "When can {person} reach the support desk about a {product}?",
]


TEMPLATES = SHOP_TEMPLATES + [
    "What are the support hours for {region} on weekends?",
    "Is the support line open on public holidays in {region}?",
    "Write a SQL query for the ISO week number of {product} orders {period}.",
    "How do I truncate order dates to the month in PostgreSQL for {region} sales?",
    "Which MySQL function gives the calendar week of an order placed {period}?",
    "Group {product} orders by week {period} in SQL.",
    "Draft a short, friendly reply to {person} asking about a late {product}.",
    "Summarize our refund and warranty rules for {person} in two bullet points.",
    "Explain to {person} why the {product} from {region} has not shipped yet.",
    "What does the sales wiki say about revenue {period}?",
]


LESSON_TEXTS = {
    Component.RETRIEVER: [
        ("Cite the current 2024 refund policy, never the superseded 2021 one.",
         LessonAction(prefer_documents=["refunds-2024"], avoid_documents=["refunds-2021"])),
        ("For shipping questions use the shipping times document.", LessonAction(prefer_documents=["shipping"])),
        ("For date functions use the PostgreSQL document, not the MySQL one.",
         LessonAction(prefer_documents=["pg-dates"], avoid_documents=["mysql-dates"])),
        ("Warranty questions need the warranty terms document.", LessonAction(expand_query=["warranty terms"])),
        ("Support questions need the support hours document.", LessonAction(prefer_documents=["support-hours"])),
    ],
    Component.TOOL_PLANNER: [
        ("Compute revenue from the orders table with SQL instead of quoting the wiki.",
         LessonAction(prefer_tools=["sql"], tool_argument_hints={"query": "SELECT SUM(amount) FROM orders"})),
        ("Count tickets with a SQL query on the tickets table.", LessonAction(prefer_tools=["sql"])),
        ("Use the calculator for averages of the tool results.", LessonAction(prefer_tools=["calculator"])),
        ("Filter orders by region with a WHERE clause.",
         LessonAction(tool_argument_hints={"query": "use WHERE region = ..."})),
    ],
    Component.WRITER: [
        ("Answer in two short bullet points.", LessonAction()),
        ("Use a friendly, apologetic tone with upset customers.", LessonAction()),
        ("Give figures with their currency and the period they cover.", LessonAction()),
        ("Write SQL for PostgreSQL, never MySQL functions like WEEKOFYEAR().", LessonAction()),
    ],
}


def make_requests(n: int, seed: int) -> list[str]:
    """n distinct requests from the templates (there are about 4,900 distinct ones)."""
    rng = random.Random(seed)
    out: list[str] = []
    seen: set[str] = set()
    for _ in range(200 * n + 1000):
        if len(out) >= n:
            break
        text = rng.choice(TEMPLATES).format(product=rng.choice(PRODUCTS), region=rng.choice(REGIONS),
                                            period=rng.choice(PERIODS), person=rng.choice(PEOPLE))
        if text not in seen:
            seen.add(text)
            out.append(text)
    if len(out) < n:
        raise SystemExit(f"only {len(out)} distinct requests could be made, {n} asked")
    return out
