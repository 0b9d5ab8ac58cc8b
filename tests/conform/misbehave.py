#!/usr/bin/env python3
"""A misbehaving `dtao eval` implementation, for the runner's tests.

Usage: misbehave.py DTAO_BINARY [--forget-unstake-fee]

Answers every request through a child `DTAO_BINARY eval`, except that a request
whose id ends in one of the suffixes below misbehaves:

  /crash       exit with status 3 without answering
  /segv        die by SIGSEGV
  /hang        never answer (sleep)
  /garbage     answer with a line that is not JSON
  /not-object  answer with a JSON array
  /wrong-id    answer with id "bogus"
  /swap-first  hold this answer; answer the next request first (out of order)
  /partial     write half the answer, no newline, and exit
  /huge        write 8 MiB without a newline
  /exit-early  exit cleanly (status 0) without answering
  /noise       write 64 KiB to stderr, then answer correctly
  /wrong-value answer with one output field changed
  /wrong-error answer with an error instead of the output
  /blank-first write a blank line before the correct answer (ignored by the runner)
  /deep        answer with an output nested 50 000 levels deep (a 100 KB line)
  /bad-utf8    answer with a line of invalid UTF-8, and write invalid UTF-8 to stderr
  /drop        never answer this request, but answer the next ones
  /dup         answer twice
  /long        answer with a complete line of 8 KiB (padding in an extra field), in one write
  /close-stdout close stdout and keep running (also in every process it started)

With --forget-unstake-fee, the `block` op (scenario vectors) behaves like a
simulator that forgets to put an accepted remove_stake's fee back into
SubnetTAO and TotalStake (STAKE-002): only blocks with an unstake differ.

With --exact-alpha-out, sim_swap_tao_for_alpha answers alpha_out with the exact
model's value (a rational) where the chain answers an output: an implementation
that differs in exactly one class, the one a profile declares against the exact
model on EXACT_DIFFERS cases.

With --size-dependent, block_emission is wrong in two ways: one rao too much
emission from an issuance of 10^12 up, and an error (insufficient_liquidity)
below an issuance of 10^6; in between it is right.
"""
import json
import os
import signal
import subprocess
import sys
import time

FORGET_UNSTAKE_FEE = "--forget-unstake-fee" in sys.argv[2:]
EXACT_ALPHA_OUT = "--exact-alpha-out" in sys.argv[2:]
SIZE_DEPENDENT = "--size-dependent" in sys.argv[2:]

ref = subprocess.Popen([sys.argv[1], "eval"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def reference(line):
    ref.stdin.write(line if line.endswith("\n") else line + "\n")
    ref.stdin.flush()
    return ref.stdout.readline().rstrip("\n")


held = None
out = sys.stdout
for line in sys.stdin:
    if not line.strip():
        continue
    request = json.loads(line)
    rid = request.get("id", "")
    suffix = rid.rsplit("/", 1)[-1]
    answer = reference(line)
    if FORGET_UNSTAKE_FEE and request.get("op") == "block" and '"output"' in answer:
        r = json.loads(answer)
        out_state = r["output"]["state"]
        for action, result in zip(request["input"].get("actions", []), r["output"]["actions"]):
            if action["kind"] != "remove_stake" or "error" in result:
                continue
            for sub in out_state["subnets"]:
                if sub["netuid"] == action["netuid"]:
                    sub["subnet_tao"] = str(int(sub["subnet_tao"]) - int(result["fee"]))
            out_state["total_stake"] = str(int(out_state["total_stake"]) - int(result["fee"]))
        answer = json.dumps(r)
    if EXACT_ALPHA_OUT and request.get("op") == "sim_swap_tao_for_alpha" and '"output"' in answer:
        exact = json.loads(reference(json.dumps(dict(request, arithmetic="exact"))))
        if "output" in exact and "alpha_out" in exact["output"]:
            r = json.loads(answer)
            r["output"]["alpha_out"] = exact["output"]["alpha_out"]
            answer = json.dumps(r)
    if SIZE_DEPENDENT and request.get("op") == "block_emission" and '"output"' in answer:
        issuance = int(request["input"]["issuance"])
        r = json.loads(answer)
        if issuance >= 10**12:
            r["output"]["emission"] = str(int(r["output"]["emission"]) + 1)
            answer = json.dumps(r)
        elif issuance < 10**6:
            answer = json.dumps({"id": r["id"], "error": "insufficient_liquidity"})
    if suffix == "crash":
        os._exit(3)
    if suffix == "segv":
        out.flush()
        os.kill(os.getpid(), signal.SIGSEGV)
    if suffix == "hang":
        time.sleep(3600)
    if suffix == "garbage":
        answer = "this is not JSON"
    if suffix == "not-object":
        answer = "[1, 2, 3]"
    if suffix == "wrong-id":
        r = json.loads(answer)
        r["id"] = "bogus"
        answer = json.dumps(r)
    if suffix == "partial":
        out.write(answer[: len(answer) // 2])
        out.flush()
        os._exit(0)
    if suffix == "huge":
        out.write("x" * (8 << 20))
        out.flush()
        time.sleep(3600)
    if suffix == "exit-early":
        sys.exit(0)
    if suffix == "noise":
        sys.stderr.write("e" * 65536 + "\n")
        sys.stderr.flush()
    if suffix == "wrong-value":
        r = json.loads(answer)
        k = sorted(r["output"])[0]
        r["output"][k] = "424242"
        answer = json.dumps(r)
    if suffix == "wrong-error":
        r = json.loads(answer)
        answer = json.dumps({"id": r["id"], "error": "insufficient_liquidity"})
    if suffix == "blank-first":
        out.write("\n")
    if suffix == "deep":
        answer = '{"id": %s, "output": %s1%s}' % (json.dumps(rid), "[" * 50000, "]" * 50000)
    if suffix == "bad-utf8":
        sys.stderr.buffer.write(b"stderr \xff\xfe\xc3(\n")
        sys.stderr.flush()
        out.flush()
        out.buffer.write(b'{"id": "\xff\xfe", "output": "\xc3("}\n')
        out.buffer.flush()
        continue
    if suffix == "drop":
        continue
    if suffix == "dup":
        out.write(answer + "\n")
    if suffix == "long":
        r = json.loads(answer)
        r["padding"] = "p" * 8192
        answer = json.dumps(r)
    if suffix == "close-stdout":
        out.flush()
        os.close(1)
        time.sleep(3600)
    if suffix == "swap-first":
        held = answer
        continue
    out.write(answer + "\n")
    if held is not None:
        out.write(held + "\n")
        held = None
    out.flush()
