#!/usr/bin/python3
"""Checks the Grafana dashboard (and alert rules) without Grafana.

The dashboard JSON: a Prometheus data-source variable that every panel,
query and template variable uses (no data source fixed to one Grafana's
uid), unique panel ids, and every metric a query names present in the
given /metrics scrapes of the real binaries (histogram series by their
_bucket/_sum/_count, Prometheus' own `up`, and the names the rules file
records). With --rules, the alert rules' expressions too.

Usage: check_dashboard.py DASHBOARD.json [--rules alerts.yml] SCRAPE...
Exits 1 with a list of problems, 0 with a summary line.
"""

import argparse
import json
import re
import sys

KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "bool", "offset", "inf", "nan"}
BUILTIN = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}


def metric_names(expr):
    """The metric names a PromQL expression (with Grafana variables) reads."""
    names = set()
    # label_values(metric{...}, label): only the metric.
    for m in re.finditer(r"label_values\(\s*([A-Za-z_:][\w:]*)", expr):
        names.add(m.group(1))
    expr = re.sub(r"label_values\([^)]*\)", " ", expr)
    expr = re.sub(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'', " ", expr)
    expr = re.sub(r"\{[^}]*\}", " ", expr)
    expr = re.sub(r"\[[^\]]*\]", " ", expr)
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)",
                  " ", expr)
    expr = re.sub(r"\$\{?\w+\}?", " ", expr)
    for m in re.finditer(r"(?<![\w.])([A-Za-z_:][\w:]*)(?!\w)(\s*\()?", expr):
        word, call = m.group(1), m.group(2)
        if call or word.lower() in KEYWORDS:
            continue
        names.add(word)
    return names


def scraped_names(paths):
    names = set()
    for path in paths:
        with open(path) as f:
            for line in f:
                m = re.match(r"# TYPE (\S+) (\w+)", line)
                if m:
                    name, kind = m.groups()
                    names.add(name)
                    if kind in ("histogram", "summary"):
                        names.update(name + s for s in ("_bucket", "_sum", "_count"))
                    continue
                m = re.match(r"([A-Za-z_:][\w:]*)[{ ]", line)
                if m:
                    names.add(m.group(1))
    return names


def recorded_names(rules_path):
    names, exprs = set(), []
    if not rules_path:
        return names, exprs
    with open(rules_path) as f:
        text = f.read()
    names.update(re.findall(r"^\s*-\s*record:\s*(\S+)", text, re.M))
    # Expressions: `expr: x` or `expr: >-` followed by an indented block.
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^(\s*)expr:\s*(.*)$", line)
        if not m:
            continue
        indent, rest = len(m.group(1)), m.group(2).strip()
        if rest and rest[0] not in "|>":
            exprs.append((i + 1, rest))
            continue
        block = []
        for following in lines[i + 1:]:
            if following.strip() and len(following) - len(following.lstrip()) <= indent:
                break
            block.append(following.strip())
        exprs.append((i + 1, " ".join(block)))
    return names, exprs


def panels_of(dashboard):
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dashboard")
    parser.add_argument("--rules", default="")
    parser.add_argument("scrapes", nargs="+")
    args = parser.parse_args()

    with open(args.dashboard) as f:
        dashboard = json.load(f)
    available = scraped_names(args.scrapes) | BUILTIN
    recorded, rule_exprs = recorded_names(args.rules)
    available |= recorded
    problems = []

    variables = dashboard.get("templating", {}).get("list", [])
    ds_vars = [v["name"] for v in variables
               if v.get("type") == "datasource" and v.get("query") == "prometheus"]
    if not ds_vars:
        problems.append("no Prometheus data-source variable in templating")
    uses_var = lambda ds: (isinstance(ds, dict) and ds.get("type") == "prometheus"
                           and ds.get("uid") in {"${%s}" % n for n in ds_vars}
                           | {"$%s" % n for n in ds_vars})

    queries = 0
    for v in variables:
        if v.get("type") != "query":
            continue
        if not uses_var(v.get("datasource")):
            problems.append("variable %s: data source %s is not the variable"
                            % (v["name"], v.get("datasource")))
        query = v.get("query")
        query = query.get("query", "") if isinstance(query, dict) else query or ""
        for name in metric_names(query) - available:
            problems.append("variable %s: no metric %s" % (v["name"], name))
        queries += 1

    ids = set()
    for panel in panels_of(dashboard):
        title = panel.get("title", "?")
        if panel.get("id") in ids:
            problems.append("panel %r: id %s used twice" % (title, panel.get("id")))
        ids.add(panel.get("id"))
        if panel.get("type") == "row":
            continue
        if panel.get("targets") and not uses_var(panel.get("datasource")):
            problems.append("panel %r: data source %s is not the variable"
                            % (title, panel.get("datasource")))
        for target in panel.get("targets", []):
            if "datasource" in target and not uses_var(target["datasource"]):
                problems.append("panel %r: a query's data source is fixed" % title)
            expr = target.get("expr", "")
            if not expr:
                problems.append("panel %r: a query without expr" % title)
            for name in metric_names(expr) - available:
                problems.append("panel %r: no metric %s" % (title, name))
            queries += 1

    for line, expr in rule_exprs:
        for name in metric_names(expr) - available:
            problems.append("%s:%d: no metric %s" % (args.rules, line, name))

    if problems:
        print("\n".join(problems))
        return 1
    print("dashboard: %d queries and %d alert rule expressions use only "
          "metrics of the scrapes (%d names)"
          % (queries, len(rule_exprs), len(available)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
