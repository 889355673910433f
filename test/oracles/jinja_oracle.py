#!/usr/bin/python3
"""Reference renderer: how the original (Python) engine resolves one template string.

Reads JSON lines {"template": str, "context": {"state":…, "step":…, "config":…}, "now"?: ISO} on stdin
and prints one JSON line per case: {"value": …} or {"error": message, "exception": class name}.

Semantics follow docs/engine.md §5.4: untouched non-templates, native values for a lone
{{ expr }}, silent undefined, Python formatting, the original error prefixes.
Run with Debian's python3 and python3-jinja2 (apt-get install -y python3-jinja2).
"""
import datetime
import json
import sys

from jinja2 import BaseLoader, Environment, TemplateSyntaxError, Undefined, UndefinedError


class SilentUndefined(Undefined):
    def __str__(self):
        return ""

    def __iter__(self):
        return iter(())

    def __bool__(self):
        return False

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return SilentUndefined()

    def __getitem__(self, key):
        return SilentUndefined()


ENV = Environment(loader=BaseLoader(), autoescape=False, undefined=SilentUndefined)


class FrozenNow:
    def __init__(self, when):
        self.when = when

    def __call__(self):
        return self.when


def build_context(case):
    ctx = dict(case.get("context") or {})
    state = ctx.get("state") or {}
    ctx.setdefault("state", state)
    ctx.setdefault("module", state)
    ctx.setdefault("step", {})
    ctx.setdefault("config", {})
    when = case.get("now")
    ctx["now"] = FrozenNow(datetime.datetime.fromisoformat(when)) if when else datetime.datetime.now
    return ctx


def resolve_string(s, ctx):
    if not isinstance(s, str) or ("{{" not in s and "{%" not in s):
        return s
    t = s.strip()
    if t.startswith("{{") and t.endswith("}}"):
        inner = t[2:-2]
        if "{{" not in inner and "}}" not in inner:
            try:
                value = ENV.compile_expression(inner.strip(), undefined_to_none=True)(**ctx)
                return None if isinstance(value, Undefined) else value
            except Exception:
                s = "{{ " + inner + " }}"
    try:
        return ENV.from_string(s).render(**ctx)
    except TemplateSyntaxError as e:
        raise ValueError(f"Jinja2 syntax error: {e}")
    except UndefinedError as e:
        raise ValueError(f"Jinja2 undefined variable: {e}")


def to_json(value):
    if isinstance(value, Undefined):
        return None
    if isinstance(value, (datetime.datetime, datetime.date)):
        return {"$date": value.isoformat()}
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return {"$repr": repr(value)}


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        try:
            out = {"value": to_json(resolve_string(case["template"], build_context(case)))}
        except Exception as e:  # the original lets other exceptions propagate as module failures
            out = {"error": str(e), "exception": type(e).__name__}
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
