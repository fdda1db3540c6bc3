#!/usr/bin/env python3
"""The independent validator of tests/lint_agreement.rs.

    kube_validate.py VERSION FILE

Reads a stream of YAML documents and checks each against the Kubernetes
JSON schemas of VERSION that the PyPI package kubernetes-validate ships,
strictly (unknown fields are errors), offline. Prints one JSON line per
document: {"resource": "Kind/name", "verdict": "valid" | "invalid" |
"no-schema", "message": "..."}.
"""

import json
import sys

import kubernetes_validate
import yaml


def verdict(document, version):
    try:
        kubernetes_validate.validate(document, version, strict=True)
        return "valid", ""
    except kubernetes_validate.ValidationError as error:
        path = ".".join(str(step) for step in error.path)
        return "invalid", f"{path}: {error.message}"
    except kubernetes_validate.SchemaNotFoundError as error:
        return "no-schema", error.message


def main(version, path):
    with open(path) as f:
        documents = [d for d in yaml.safe_load_all(f) if d]
    for document in documents:
        name = document.get("metadata", {}).get("name", "")
        result, message = verdict(document, version)
        line = {"resource": f"{document.get('kind')}/{name}", "verdict": result, "message": message}
        print(json.dumps(line))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
