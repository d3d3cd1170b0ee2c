"""The program a Python function's child process runs.

It loads the handler once, then reads one JSON request per line from the server and writes
one JSON answer per line to fd 3. stdin is replaced by /dev/null so handler code cannot read
requests; stdout and stderr (print, logging) are the function's logs.

argv: codeDir handler functionName functionVersion memoryMb functionArn
"""

import importlib
import json
import os
import resource
import sys
import time
import traceback


def address_space_in_use():
    """Bytes of virtual memory the interpreter already maps (VmSize), or 0 if unknown."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def limit_memory(memory_mb):
    # RLIMIT_AS caps virtual memory; the interpreter's own mappings come on top of the
    # function's allowance, so a small limit does not stop Python from starting at all.
    limit = address_space_in_use() + memory_mb * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass


class ParameterError(Exception):
    """Base of the errors get_parameter raises; the subclass is named as SSM names the error."""


def parameter_error(error_type, message):
    return type(error_type, (ParameterError,), {})(message)


class Context:
    """The Lambda context object, as the Python runtime names its fields."""

    def __init__(self, config, fields, ask=None):
        self.function_name = config["function_name"]
        self.function_version = config["function_version"]
        self.invoked_function_arn = config["function_arn"]
        self.memory_limit_in_mb = config["memory_mb"]
        self.aws_request_id = fields["awsRequestId"]
        self.idempotency_key = fields["idempotencyKey"]
        self._deadline_ms = fields["deadlineMs"]
        self._ask = ask

    def get_remaining_time_in_millis(self):
        return max(0, int(self._deadline_ms - time.time() * 1000))

    def get_parameter(self, name, with_decryption=False):
        """SSM's Parameter dict for `name` (or `name:VERSION`), read through the server."""
        answer = self._ask(name, bool(with_decryption))
        if "parameter" in answer:
            return answer["parameter"]
        raise parameter_error(answer["error"]["errorType"], answer["error"]["errorMessage"])


def describe(error):
    frames = [
        frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename != __file__
    ]
    return {
        "errorType": type(error).__name__,
        "errorMessage": str(error),
        "stackTrace": traceback.format_list(frames),
    }


def load_handler(code_dir, spec):
    module_name, _, function_name = spec.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except Exception as error:  # noqa: BLE001 - any import failure is the function's
        message = f"Unable to import module '{module_name}': {error}"
        return None, {"errorType": "Runtime.ImportModuleError", "errorMessage": message,
                      "stackTrace": describe(error)["stackTrace"]}
    handler = getattr(module, function_name, None)
    if not callable(handler):
        message = f"Handler '{function_name}' missing on module '{module_name}'"
        return None, {"errorType": "Runtime.HandlerNotFound", "errorMessage": message,
                      "stackTrace": []}
    return handler, None


def answer(handler, config, request, ask):
    request_id = request["id"]
    try:
        context = Context(config, request["context"], lambda name, dec: ask(request_id, name, dec))
        result = handler(request["event"], context)
    except MemoryError:
        # The heap may be in no state to go on: report, then let the server replace us.
        return {"type": "error", "id": request_id, "fatal": True,
                "errorType": "Runtime.OutOfMemory",
                "errorMessage": f"Runtime exited with error: out of memory "
                                f"(limit {config['memory_mb']} MB)",
                "stackTrace": []}, True
    except Exception as error:  # noqa: BLE001 - every handler error is reported
        return {"type": "error", "id": request_id, **describe(error)}, False
    try:
        payload = json.dumps(result, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as error:
        return {"type": "error", "id": request_id, "errorType": "Runtime.MarshalError",
                "errorMessage": f"Unable to marshal response: {error}", "stackTrace": []}, False
    # The payload is already JSON: splice it in rather than encode it twice.
    return '{"type":"result","id":%d,"result":%s}' % (request_id, payload), False


def main():
    code_dir, spec, function_name, function_version, memory_mb, function_arn = sys.argv[1:7]
    config = {"function_name": function_name, "function_version": function_version,
              "memory_mb": int(memory_mb), "function_arn": function_arn}
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    sys.stdin = open(os.devnull)
    answers = os.fdopen(3, "w", encoding="utf-8")
    # The bootstrap's own directory must not shadow the function's modules.
    sys.path[0] = code_dir
    os.chdir(code_dir)

    def send(message):
        answers.write(message if isinstance(message, str) else json.dumps(message))
        answers.write("\n")
        answers.flush()

    limit_memory(int(memory_mb))
    handler, failure = load_handler(code_dir, spec)
    if failure:
        send({"type": "init-error", **failure})
        return
    asked = [0]

    def ask(call_id, name, with_decryption):
        # One call runs at a time and the server answers before anything else: the next
        # line on the request channel is the answer.
        asked[0] += 1
        send({"type": "get-parameter", "id": call_id, "request": asked[0], "name": name,
              "withDecryption": with_decryption})
        return json.loads(requests.readline())

    send({"type": "ready"})
    for line in requests:
        message, fatal = answer(handler, config, json.loads(line), ask)
        sys.stdout.flush()
        sys.stderr.flush()
        send(message)
        if fatal:
            os._exit(1)


if __name__ == "__main__":
    main()
