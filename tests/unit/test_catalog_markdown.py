"""Every catalog string survives the page's Markdown + KaTeX path: math closed, braces balanced, bold that renders.

Streamlit renders `st.markdown` with remark-math: a `$$` that opens a line but does not close on it starts a
display block that only ends at a line holding `$$` alone — otherwise it swallows the rest of the text as one
broken formula (the Autoencoder's explanation did). CommonMark only closes `**` after punctuation when
whitespace or punctuation follows, so `**轮（epoch）**的` shows its asterisks.
"""
import re
import unicodedata

import pytest

from ui.i18n import LANGUAGES, catalog

DOLLAR = re.compile(r"(?<!\\)\$\$|(?<!\\)\$")


def texts(lang):
    for key, text in catalog(lang).items():
        yield key, "\n".join(text) if isinstance(text, list) else text


def math_segments(text: str) -> tuple[list[str], str | None]:
    """The formulas of `text` and the first problem with its dollar signs (None if it has none)."""
    segments, pos = [], 0
    text = re.sub(r"`[^`]*`", "", text)  # `$` inside inline code is literal
    while True:
        m = DOLLAR.search(text, pos)
        if m is None:
            return segments, None
        fence = m.group()
        end = text.find(fence, m.end())
        while end != -1 and text[end - 1] == "\\":
            end = text.find(fence, end + 1)
        if end == -1:
            return segments, f"unclosed {fence} at {text[m.start():m.start() + 40]!r}"
        body = text[m.end():end]
        if fence == "$$" and "\n" in body:
            line_start = text.rfind("\n", 0, m.start()) + 1
            opens_alone = text[line_start:m.end()].strip() == "$$" and body.startswith("\n")
            closes_alone = body.endswith("\n")
            if not (opens_alone and closes_alone):
                return segments, f"multi-line $$ block not fenced on its own lines: {body[:40]!r}"
        if fence == "$" and "\n\n" in body:
            return segments, f"$ formula across a paragraph break: {body[:40]!r}"
        segments.append(body)
        pos = end + len(fence)


def brace_problem(formula: str) -> str | None:
    depth = 0
    for ch in re.sub(r"\\[{}]|\\\\", "", formula):
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return "a } without its {"
    if depth:
        return "a { without its }"
    if len(re.findall(r"\\left\b", formula)) != len(re.findall(r"\\right\b", formula)):
        return r"\left and \right differ in number"
    if len(re.findall(r"\\begin\{", formula)) != len(re.findall(r"\\end\{", formula)):
        return r"\begin and \end differ in number"
    return None


def _punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


def bold_problem(text: str) -> str | None:
    """A `**` pair CommonMark will not read as bold (punctuation inside the delimiter, a letter outside)."""
    for m in re.finditer(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", text):
        inner = m.group(1)
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        if _punct(inner[0]) and not (before.isspace() or _punct(before)):
            return f"opening ** before punctuation after a letter: {m.group()!r}"
        if _punct(inner[-1]) and not (after.isspace() or _punct(after)):
            return f"closing ** after punctuation before a letter: {m.group()!r}"
    return None


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_formula_is_closed_and_balanced(lang):
    problems = []
    for key, text in texts(lang):
        if "{{" in text:  # a string with placeholders: its LaTeX braces are doubled for str.format
            text = text.replace("{{", "{").replace("}}", "}")
        formulas, problem = math_segments(text)
        problems += [f"{key}: {problem}"] if problem else []
        problems += [f"{key}: {p} in ${f[:50]}$" for f in formulas if (p := brace_problem(f))]
    assert problems == []


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_bold_renders_as_bold(lang):
    problems = [f"{key}: {p}" for key, text in texts(lang) if (p := bold_problem(text))]
    assert problems == []


def test_the_checks_catch_what_broke_before():
    broken = "$$L = a,\\qquad\nb = c.$$\n\nsame test on **PCA** here"
    assert math_segments(broken)[1] is not None
    assert math_segments("$$\nL = a,\\qquad\nb = c.\n$$\n\n**PCA**")[1] is None
    assert math_segments("cost $x$ and $$y$$")[1] is None
    assert brace_problem(r"\frac{a}{b") and brace_problem(r"\left( x") and not brace_problem(r"\{x\}")
    assert bold_problem("一**轮（epoch）**就是") and not bold_problem("一**轮**（epoch）就是")
    assert not bold_problem("**Autoencoder.** The encoder")
