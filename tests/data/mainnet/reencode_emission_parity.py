#!/usr/bin/env python3
"""Re-encode a mainnet emission-parity capture as two `dtao-chain-storage/1` snapshots.

The captures are facts (raw SCALE storage pinned to block hashes) published by
NoBSRecruiter/tao-subnet-trader@bfa925ec05681218ef717bb1f1daaf1194b8ab6b under
tests/fixtures/golden/. This script is this project's own: it reads one capture file (a local
copy whose sha256 the caller checks against that repository's manifest) and writes

  emission/b<n>_in.json   the state at block n - 1: everything the coinbase of block n reads
  emission/b<n>_out.json  the storage the coinbase of block n writes, observed at block n

Items the decoder does not know, and that the coinbase does not read, are left out and listed
in README.md. Netuids whose NetworksAdded key is absent are not subnets and are left out.

Usage: reencode_emission_parity.py CAPTURE.json SHA256 OUTDIR
"""

import hashlib
import json
import os
import sys

SOURCE_REPO = "NoBSRecruiter/tao-subnet-trader@bfa925ec05681218ef717bb1f1daaf1194b8ab6b"

# Global items the coinbase reads (or the decoder checks), in the capture's naming.
GLOBAL_IN = [
    "SubtensorModule.TotalIssuance",
    "SubtensorModule.TaoWeight",
    "SubtensorModule.SubnetOwnerCut",
    "SubtensorModule.SubnetMovingAlpha",
    "SubtensorModule.EmissionGateBar",
    "SubtensorModule.EmissionBarQuantile",
    "SubtensorModule.EmissionBarRank",
    "SubtensorModule.EmissionGateExponent",
    "SubtensorModule.NetworkRateLimit",
    "SubtensorModule.NetworkLastLockCost",
    "SubtensorModule.NetworkMinLockCost",
    "SubtensorModule.NetworkLockReductionInterval",
    "SubtensorModule.BlockEmission",
    "Balances.TotalIssuance",
    "Timestamp.Now",
    "System.Number",
]
NETUID_IN = [
    "SubtensorModule.NetworksAdded",
    "SubtensorModule.NetworkRegisteredAt",
    "SubtensorModule.FirstEmissionBlockNumber",
    "SubtensorModule.SubtokenEnabled",
    "SubtensorModule.NetworkRegistrationAllowed",
    "SubtensorModule.SubnetEmissionEnabled",
    "SubtensorModule.SubnetMovingPrice",
    "SubtensorModule.MinerBurned",
    "SubtensorModule.SubnetTAO",
    "SubtensorModule.SubnetAlphaIn",
    "SubtensorModule.SubnetAlphaOut",
    "SubtensorModule.SubnetProtocolAlpha",
    "Swap.SwapBalancer",
    "Swap.BalancerTaoReservoir",
    "Swap.BalancerAlphaReservoir",
]
GLOBAL_OUT = ["SubtensorModule.EmissionGateBar", "SubtensorModule.TotalIssuance"]
NETUID_OUT = [
    "SubtensorModule.NetworksAdded",
    "SubtensorModule.SubnetTaoInEmission",
    "SubtensorModule.SubnetExcessTao",
    "SubtensorModule.SubnetAlphaInEmission",
    "SubtensorModule.SubnetAlphaOutEmission",
    "SubtensorModule.SubnetProtocolAlpha",
    "SubtensorModule.SubnetMovingPrice",
    "SubtensorModule.RootProp",
    "Swap.SwapBalancer",
    "Swap.BalancerTaoReservoir",
    "Swap.BalancerAlphaReservoir",
]


def entries(snapshot, global_items, netuid_items):
    out = []
    by_item = {}
    for e in snapshot["storage"]:
        by_item.setdefault(e["item"], []).append(e)
    for item in global_items:
        for e in by_item.get(item, []):
            if e["args"]:
                raise SystemExit(f"{item}: a global item with arguments")
            out.append({"item": item, "value": e["value"]})
    # SubnetTAO[0] (root) and LastRateLimitedBlock[NetworkLastRegistered] come as keyed globals.
    for e in by_item.get("SubtensorModule.LastRateLimitedBlock", []):
        if global_items is GLOBAL_IN and e["args"] == ["NetworkLastRegistered"]:
            out.append({"item": e["item"], "key": "NetworkLastRegistered", "value": e["value"]})
    dense = snapshot["storage_by_netuid"]
    added = dense["SubtensorModule.NetworksAdded"]["values"]
    for netuid, flag in enumerate(added):
        if flag is None:
            continue
        if flag != "0x01":
            raise SystemExit(f"NetworksAdded[{netuid}] = {flag}")
        for item in netuid_items:
            values = dense[item]["values"]
            if len(values) != len(added):
                raise SystemExit(f"{item}: {len(values)} values, NetworksAdded has {len(added)}")
            value = values[netuid]
            if item == "SubtensorModule.SubnetTAO" and netuid == 0:
                keyed = [e for e in by_item.get(item, []) if e["args"] == [0]]
                if keyed and keyed[0]["value"] != value:
                    raise SystemExit("SubnetTAO[0] differs between the keyed and the dense reads")
            out.append({"item": item, "netuid": netuid, "value": value})
    return out


def write(path, snapshot, source, storage, runtime_api):
    doc = {
        "format": "dtao-chain-storage/1",
        "provenance": {
            "chain": "finney",
            "block": snapshot["block"],
            "block_hash": snapshot["block_hash"],
            "spec_version": snapshot["spec_version"],
            "source": source,
        },
        "notes": ["Re-encoded facts; tests/data/mainnet/README.md says where each came from."],
        "storage": storage,
    }
    if runtime_api:
        doc["runtime_api"] = runtime_api
    # One entry per line: the files stay diffable and a third of the indented size.
    lines = ["{"]
    head = {k: v for k, v in doc.items() if k != "storage" and k != "runtime_api"}
    for k, v in head.items():
        lines.append(f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},")
    if runtime_api:
        lines.append(' "runtime_api": [')
        lines.append(",\n".join("  " + json.dumps(r) for r in runtime_api))
        lines.append(" ],")
    lines.append(' "storage": [')
    lines.append(",\n".join("  " + json.dumps(e) for e in storage))
    lines.append(" ]")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    json.loads(text)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    capture, want_sha, outdir = sys.argv[1:]
    data = open(capture, "rb").read()
    got = hashlib.sha256(data).hexdigest()
    if got != want_sha:
        raise SystemExit(f"{capture}: sha256 {got}, the manifest says {want_sha}")
    doc = json.loads(data)
    before, after = doc["snapshots"]
    if after["block"] != before["block"] + 1:
        raise SystemExit("the snapshots are not consecutive blocks")
    name = os.path.basename(capture)
    n = after["block"]
    path = doc["fixture"] + ".json"
    source = f"{SOURCE_REPO}:tests/fixtures/golden/{path} (sha256 {want_sha})"
    api = []
    for r in before.get("runtime_api", []):
        if r["method"] == "SubnetInfoRuntimeApi_get_block_emission":
            api.append({"method": r["method"], "result": str(int.from_bytes(bytes.fromhex(r["result"][2:]), "little"))})
    os.makedirs(outdir, exist_ok=True)
    write(os.path.join(outdir, f"b{n}_in.json"), before, source + ", snapshots[0]",
          entries(before, GLOBAL_IN, NETUID_IN), api)
    write(os.path.join(outdir, f"b{n}_out.json"), after, source + ", snapshots[1]",
          entries(after, GLOBAL_OUT, NETUID_OUT), [])
    print(f"{name}: block {n}, spec {after['spec_version']}")


if __name__ == "__main__":
    main()
