#!/usr/bin/env python3
"""Write the hand-made seed inputs of every fuzz target into fuzz/corpus/<target>/.

The seeds are boundary cases in each target's input layout (see the header of
fuzz/<target>_fuzz.cpp). After fuzzing, the corpus is minimised with
`./dtao.sh fuzz <target> merge`; this script only (re)creates the hand-made
seeds, named seed-*, and never deletes anything.
"""
import hashlib
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def u8(v): return struct.pack(">B", v & 0xFF)
def u16(v): return struct.pack(">H", v & 0xFFFF)
def u32(v): return struct.pack(">I", v & 0xFFFFFFFF)
def u40(v): return (v & (2**40 - 1)).to_bytes(5, "big")
def u64(v): return struct.pack(">Q", v & (2**64 - 1))
def u128(v): return (v % 2**128).to_bytes(16, "big")


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


M = 2**64 - 1
LIQ = 10_000_000
TAO = 10**9

# swap: flags, x, y, a, alpha_out, total_stake
for i, (x, y, a) in enumerate([(10 * TAO, 5 * TAO, TAO), (2**24 - 1, 2**24 - 1, 1), (LIQ, LIQ, 0),
                                (LIQ + 1, LIQ + 1, 1), (2**56, 2**56, 2**56), (M, M, M), (0, 0, 0),
                                (1, M, 1), (M, LIQ, M), (21 * 10**15, 21 * 10**15, 10**15)]):
    for flags in (0, 1):
        write("swap", f"{i}-{flags}", u8(flags) + u64(x) + u64(y) + u64(a) + u64(y) + u64(x))
write("swap", "stable", u8(2) + u64(TAO) + u64(TAO) + u64(TAO // 2) + u64(TAO) + u64(TAO))

# differential: family, ruleset, fields
for r in (0, 1, 7):
    write("differential", f"swap-{r}", u8(0) + u8(r) + u8(0) + u64(10 * TAO) + u64(5 * TAO) + u64(TAO))
write("differential", "swap-f015", u8(0) + u8(1) + u8(1) + u64(2**24 - 1) + u64(2**24 - 1) + u64(1))
write("differential", "swap-sat", u8(0) + u8(1) + u8(0) + u64(2**56) + u64(2**56) + u64(2**56))
write("differential", "price", u8(1) + u8(0) + u64(M) + u64(1))
for i, iss in enumerate([0, 10_500_000_000_000_000, 20_999_999_995_110_557, 20_999_999_997_555_279,
                         21 * 10**15 - 1, 21 * 10**15, M]):
    write("differential", f"emission-{i}", u8(2) + u8(0) + u64(iss))
for r in (4, 5, 6, 7):
    write("differential", f"fee-{r}", u8(3) + u8(r) + u64(10**15) + u64(10**15) + u64(10**15) + u64(10**9) + u64(10**12))
write("differential", "max-add-f003", u8(4) + u8(1) + u64(150 * TAO) + u64(100 * TAO) + u64(1_499_999_999))
write("differential", "max-remove", u8(5) + u8(1) + u64(150 * TAO) + u64(100 * TAO) + u64(1_499_999_999))
write("differential", "max-remove-boundary", u8(5) + u8(1) + u64(10) + u64(3) + u64(3_333_333_333))
write("differential", "add-stake", u8(6) + u8(1) + u8(0) + u64(10**12) + u64(10**12) + u64(TAO))
write("differential", "remove-stake", u8(6) + u8(6) + u8(1) + u64(10**12) + u64(10**12) + u64(TAO))
sub = lambda x, y, ao, m, f, t: u64(x << 2) + u64(y << 2) + u64(ao << 2) + u40(m) + u8(f) + u8(t)
for r in (0, 1, 2, 4, 7):
    write("differential", f"coinbase-{r}", u8(7) + u8(r) + u32(100) + u64(10**16) + u64(3_320_413_933_267_719_290)
          + u16(11796) + u64(10**12 << 2) + u8(2)
          + sub(10**12, 10**12, 10**12, 2**32, 0, 10) + sub(1000, 10**9, 0, 2**32, 1, 0))

# ema: ruleset, A, m0, registered_at, has_feb, feb, halving, block, steps (x, y, dblock)
for r in range(8):
    steps = u64(10 * TAO) + u64(TAO) + u16(1) + u64(TAO) + u64(10 * TAO) + u16(360) + u64(0) + u64(0) + u16(0) \
        + u64(M) + u64(1) + u16(65535)
    write("ema", f"r{r}", u8(r) + u64(12885) + u64(2**32) + u32(0) + u8(r & 1) + u32(1000) + u32(201600)
          + u32(201600) + steps)
write("ema", "alpha-one", u8(1) + u64(2**32) + u64(0) + u32(0) + u8(0) + u32(0) + u32(0) + u32(5) + u64(3) + u64(7) + u16(1))

# coinbase: see coinbase_fuzz.cpp
def state(r, block=1000, n=2, flags=(0, 4), tempo=(1, 10)):
    b = u8(r) + u32(block) + u64(10**16 << 4) + u64(3_320_413_933_267_719_290) + u16(11796) + u32(12885) \
        + u64(10**12 << 4) + u32(5) + u8(n - 1)
    for i in range(n):
        b += u64(10**12 << 4) + u64(10**12 << 4) + u64(10**11 << 4) + u40(2**32) + u8(flags[i % len(flags)]) \
            + u8(tempo[i % len(tempo)]) + u32(block // 2)
    return b
ops = u8(0) + u8(0) + u8(1) + u8(1) + u64(TAO << 8) + u8(0) + u64(0) + u8(2) + u8(1) + u64(TAO << 8) + u8(0) + u64(0) \
    + u8(3) + u16(7200) + u8(4) + u8(2) + u8(5) + u16(60000) + u8(4) + u8(2) + u8(0) + u8(6) + u8(1) + u8(1) + u8(0) \
    + u8(1) + u8(1) + u64(TAO << 8) + u8(3) + u64(TAO) + u8(0)
for r in range(8):
    write("coinbase", f"r{r}", state(r) + ops)
write("coinbase", "f010-failing-root-sell", state(3, n=1, flags=(4,)) + u8(0) * 4)

# injection_capped: see injection_capped_fuzz.cpp
def state3(r, n=2, gflags=0, issuance=10**16, root=10**15, subnets=None):
    b = u8(r) + u32(100_000) + u64(issuance) + u64(3_320_413_933_267_719_290) + u16(11796) + u32(12885) \
        + u64(root) + u8(gflags) + u8(n - 1)
    default = [(10**12, 10**12, 10**11, 0, 2**32, 0, 1, 33, 0), (10**13, 2 * 10**12, 10**12, 0, 2**31, 0, 3, 0, 0),
               (10**9, 10**12, 10**10, 300_000_000_000_000_000 - 10**16, 2**32, 0, 2, 10_000, 2**31),
               (10**6, 10**3, 0, 0, 2**33, 0, 1, 33, 0)]
    for i in range(n):
        tao, a_in, a_out, w, mp, f, tempo, fee, burned = (subnets or default)[i % len(subnets or default)]
        b += u64(tao) + u64(a_in) + u64(a_out) + u64(w) + u40(mp) + u8(f) + u8(tempo) + u16(fee) + u32(burned)
    return b
ops3 = u8(0) + u8(1) + u8(1) + u64(TAO << 8) + u8(0) + u64(0) \
    + u8(1) + u8(2) + u64((1000 * TAO) << 8) + u8(1) + u64(2 * TAO) \
    + u8(2) + u8(1) + u16(30000) + u8(0) + u64(0) \
    + u8(2) + u8(2) + u16(65535) + u8(3) + u64(TAO // 10) \
    + u8(8) + u8(7) + u8(3) + u64(0) + u8(4) + u8(2) + u8(0) + u8(5) + u8(0) + u8(2) \
    + u8(6) + u8(0) + u8(1) + u64(0) + u8(6) + u8(0) + u8(4) + u64(0) + u8(1) + u8(1) + u64(TAO << 8) + u8(0) + u64(0) \
    + u8(2) + u8(1) + u16(65535) + u8(0) + u64(0) + u8(8) + u8(5)
for r in range(3):
    write("injection_capped", f"r{r}", state3(r) + ops3)
    write("injection_capped", f"r{r}-four-subnets-cap1", state3(r, n=4, gflags=4) + ops3)
write("injection_capped", "near-supply-cap", state3(2, issuance=21 * 10**15 - 1000) + ops3)
write("injection_capped", "no-author-mock-reserve", state3(1, gflags=16 | 1) + ops3)
write("injection_capped", "f026-failed-chain-buy", state3(2, n=1, gflags=1, root=0,
                                                  subnets=[(10**6, 50, 0, 0, 2**32, 0, 1, 33, 0)]) + u8(0) * 3)
write("injection_capped", "extreme-weights", state3(2, n=2, subnets=[(10**15, 10**9, 10**12, 1, 2**32, 0, 1, 33, 0),
                                                                  (10**9, 10**15, 10**12, 2**64 - 1, 2**32, 0, 1, 33, 0)])
      + ops3)

# protocol: request lines
lines = [
    b'{"id":"buy","ruleset":"v2.0.1","op":"sim_swap_tao_for_alpha","input":{"subnet_tao":"10000000000","subnet_alpha_in":"5000000000","amount":"1000000000"}}',
    b'{"id":"x","ruleset":"v2.0.1","arithmetic":"exact","op":"sim_swap_alpha_for_tao","input":{"subnet_tao":"1","subnet_alpha_in":"18446744073709551615","amount":"0"}}',
    b'{"id":"e","ruleset":"v2.0.10","op":"block_emission","input":{"issuance":"20999999999999999"}}',
    b'{"id":1}', b'{}', b'[]', b'not json', b'{"id":"\xff"}', b'"\\ud800"', b'{"id":"a","op":"nope"}',
    b'{"id":"a","ruleset":"v9","op":"sim_swap_tao_for_alpha","input":{}}',
    b'{"id":"a","ruleset":"v2.0.1","op":"sim_swap_tao_for_alpha","input":{"subnet_tao":"010","subnet_alpha_in":"-1","amount":"1e3"}}',
]
for i, l in enumerate(lines):
    write("protocol", str(i), l)

# fixed: op, type, a (u128), b (u128), to
vals = [0, 1, 2**32, 2**64 - 1, 2**127 - 1, 2**127, 2**128 - 1, 2**96, 3 << 31]
for op in range(8):
    for t in range(5):
        a = vals[(op + t) % len(vals)]
        b = vals[(op * 3 + t + 1) % len(vals)]
        write("fixed", f"{op}-{t}", u8(op) + u8(t) + u128(a) + u128(b) + u8(t + 1))
write("fixed", "f64-half", u8(5) + u8(0) + struct.pack(">d", 0.5) + bytes(8) + u128(0))
write("fixed", "f64-tiny", u8(5) + u8(0) + struct.pack(">d", 0.00005) + bytes(8) + u128(0))
write("fixed", "log2-quirk", u8(7) + u8(0) + u128(2**34 - 1) + u128(0))
# mainnet: ruleset, block, issuance, TaoWeight, root stake, bar, q frac, q whole, h whole, h frac,
# rank, reserve selector, n, then per subnet: tao, alpha, out, weight, moving price, MinerBurned,
# TAO reservoir, alpha reservoir, flags; then blocks.
def mainnet_seed(ruleset, block, bar, q, h, rank, subnets, blocks, issuance=10**16, root=10**15):
    b = u8(ruleset) + u32(block - 1) + u64(issuance) + u64(3320413933267719290) + u64(root)
    b += u64(bar) + u64(q & M) + u8(q >> 64) + u8(h >> 64) + u64(h & M) + u16(rank) + u8(0) + u8(len(subnets) - 1)
    for (tao, alpha, out, w, mp, mb, rt, ra, fl) in subnets:
        b += u64(tao) + u64(alpha) + u64(out) + u64(w) + u40(mp) + u32(mb) + u64(rt) + u64(ra) + u8(fl)
    return b + u8(blocks - 1)


HALF = 2**63
three = [(10**14, 10**14, 10**15, 0, 2**31, 0, 0, 0, 0), (10**14, 10**14, 10**15, 0, 3 * 2**30, 0, 0, 0, 0),
         (10**14, 10**14, 10**15, 0, 2**29, 0, 0, 0, 0)]
write("mainnet", "rank-refresh", mainnet_seed(2, 720, 0, 3 << 62, 3 << 64, 2, three, 3))
write("mainnet", "mass-stored-bar", mainnet_seed(1, 721, 1 << 62, 3 << 62, 3 << 64, 0, three, 2))
write("mainnet", "no-gate", mainnet_seed(0, 1000, 0, 0, 0, 0, three, 4))
write("mainnet", "exponent-five", mainnet_seed(2, 721, 140195254960192592, 3 << 62, 5 << 64, 32,
                                               [(10**14, 10**14, 10**15, 0, 99 * 2**32 // 100, 0, 0, 0, 0),
                                                (10**14, 10**14, 10**15, 0, 2**32 // 100, 0, 0, 0, 0)], 2))
write("mainnet", "reservoirs", mainnet_seed(0, 1000, 0, 0, 0, 0,
                                            [(10**6, 10**6, 10**12, 990 * 10**15 - 10**16, 2**32, 0, 10**9, 10**12, 0),
                                             (10**12, 50, 10**12, 0, 2**32, 0, 0, 0, 2)], 3, root=0))
write("mainnet", "weight-bounds", mainnet_seed(1, 360, 0, HALF, 3 << 64, 0,
                                               [(10**6, 10**6, 10**12, 1, 2**32, 0, 0, 0, 0),
                                                (10**6, 10**6, 10**12, M, 2**32, 2**32, 0, 0, 0)], 6))

print("seeds written", file=sys.stderr)
