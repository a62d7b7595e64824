"""Test helper: how `wandb agent` turns one sweep run into a command line, ported to plain Python.

Written from reading wandb's source (this is a port, not a copy; wandb itself cannot be installed here):
  - wandb/wandb, wandb/sdk/launch/sweeps/utils.py: `create_sweep_command` (the `${envvar:NAME}`
    replacement) and `create_sweep_command_args` (the version that accepts None values: it reads
    `config["value"]` and only fails when the key is missing);
  - wandb/wandb, wandb/wandb_agent.py: `Agent._command_run` (the `sweep_vars` it fills in and the loop
    that replaces a token starting with `${` and ending with `}` by a list, `or []` for unknown ones).
Between the sweep controller and the agent the run's parameters travel as JSON written by W&B's Go
backend: `backend_json` models that (object keys sorted; a float64 without a fractional part below
1e21 is written without a decimal point, so Python decodes it as an int).

Reads a JSON list of cases on stdin: {"command": [...] | null, "program": str, "params": {...},
"environ": {...}, "windows": bool}. Writes a JSON list of {"argv": [...], "json_file": str | null,
"json_file_content": str | null, "error": str | null} on stdout.
"""
import json
import os
import re
import sys

DEFAULT_SWEEP_COMMAND = ["${env}", "${interpreter}", "${program}", "${args}"]
SWEEP_COMMAND_ENV_VAR_REGEX = re.compile(r"\$\{envvar\:([A-Z0-9_]*)\}")


def create_sweep_command(command, environ):
    command = list(command or DEFAULT_SWEEP_COMMAND)
    for i, chunk in enumerate(command):
        if SWEEP_COMMAND_ENV_VAR_REGEX.search(str(chunk)):
            matches = list(SWEEP_COMMAND_ENV_VAR_REGEX.finditer(chunk))
            for m in matches[::-1]:
                value = environ.get(m.group(1), m.group(1))
                command[i] = f"{command[i][:m.start()]}{value}{command[i][m.end():]}"
    return command


def create_sweep_command_args(command):
    if "args" not in command:
        raise ValueError('No "args" found in command: {}'.format(command))
    flags, flags_no_hyphens, flags_no_booleans, args_no_equals = [], [], [], []
    flags_dict = {}
    for param, config in command["args"].items():
        try:
            value = config["value"]
        except KeyError:
            raise ValueError('No "value" found for command["args"]["{}"]'.format(param))
        flag = f"{param}={value}"
        flags.append("--" + flag)
        flags_no_hyphens.append(flag)
        args_no_equals += [f"--{param}", str(value)]
        if isinstance(value, bool):
            if value:
                flags_no_booleans.append("--" + param)
        else:
            flags_no_booleans.append("--" + flag)
        flags_dict[param] = value
    return {
        "args": flags,
        "args_no_equals": args_no_equals,
        "args_no_hyphens": flags_no_hyphens,
        "args_no_boolean_flags": flags_no_booleans,
        "args_json": [json.dumps(flags_dict)],
        "args_dict": flags_dict,
    }


def command_run(command, sweep_command, environ, windows):
    """The command part of Agent._command_run, for run `run0` of sweep `sweep0`."""
    sweep_command = create_sweep_command(sweep_command, environ)
    json_file = os.path.join("wandb", "sweep-sweep0", "config-run0.json")
    sweep_vars = create_sweep_command_args(command)
    json_file_content = sweep_vars["args_json"][0] if "${args_json_file}" in sweep_command else None
    sweep_vars["interpreter"] = ["python"]
    sweep_vars["program"] = [command["program"]]
    sweep_vars["args_json_file"] = [json_file]
    if not windows:
        sweep_vars["env"] = ["/usr/bin/env"]
    command_list = []
    for c in sweep_command:
        c = str(c)
        if c.startswith("${") and c.endswith("}"):
            replace_list = sweep_vars.get(c[2:-1])
            command_list += replace_list or []
        else:
            command_list += [c]
    return command_list, json_file, json_file_content


def backend_json(value):
    """The value after a trip through the Go backend's JSON (see the module comment)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    if isinstance(value, list):
        return [backend_json(v) for v in value]
    if isinstance(value, dict):
        return {k: backend_json(value[k]) for k in sorted(value)}
    return value


def main():
    out = []
    for case in json.load(sys.stdin):
        args = backend_json({name: {"value": value} for name, value in case["params"].items()})
        command = {"type": "run", "run_id": "run0", "program": case["program"], "args": args}
        try:
            argv, json_file, content = command_run(command, case["command"], case.get("environ", {}), case.get("windows", False))
            out.append({"argv": argv, "json_file": json_file, "json_file_content": content, "error": None})
        except Exception as err:  # reported to the test, which expects no error
            out.append({"argv": None, "json_file": None, "json_file_content": None, "error": f"{type(err).__name__}: {err}"})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
