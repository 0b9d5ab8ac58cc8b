#!/usr/bin/env python3
"""A dTAO implementation in the Python standard library, speaking `dtao eval` (protocol 1).

Implements the launch-era (subtensor v2.0.0 … v2.0.10) rules for the ops
  block_emission, alpha_price, sim_swap_tao_for_alpha, sim_swap_alpha_for_tao,
  update_moving_price
in chain arithmetic; every other op is answered with the protocol error
`unknown_op` and a message (the divergence profile declares them unsupported,
so `dtao conform` leaves them out of scope).

Modes:
  (default)  integer emulation of the chain's fixed-point types (I96F32, I110F18):
             passes every vector of the five ops.
  --float    the same formulas in IEEE-754 doubles, truncating like the chain:
             close, but not bit-exact; passes with the divergences declared in
             profiles/float64.json.
  --wrong    --float, rounding up instead of down: a deliberately wrong
             implementation that fails even with that profile.

Usage: dtao conform --impl "python3 examples/adapters/python/dtao_adapter.py" \
           --profile examples/adapters/python/profiles/exact.json
"""
import json
import math
import sys

MODE = "exact"
for arg in sys.argv[1:]:
    if arg == "--float":
        MODE = "float"
    elif arg == "--wrong":
        MODE = "wrong"
    else:
        sys.exit(f"dtao_adapter.py: unknown argument {arg}")

U64_MAX = 2**64 - 1
I128_MAX = 2**127 - 1
I128_MIN = -(2**127)
SUPPLY = 21_000_000_000_000_000
MIN_LIQUIDITY = 10_000_000
DEFAULT_MOVING_ALPHA_BITS = 12885
DEFAULT_EMA_HALVING = 201_600
EMA_RAMP_CONSTANT = 100_800

# ruleset -> (ema_clamp_at_one, ramp: none|registration|start_call, per-subnet halving blocks)
RULESETS = {
    "v2.0.0": (False, "none", False),
    "v2.0.1": (True, "none", False),
    "v2.0.2": (True, "none", False),
    "v2.0.4": (True, "none", False),
    "v2.0.6": (True, "registration", False),
    "v2.0.8": (True, "registration", True),
    "v2.0.9": (True, "registration", True),
    "v2.0.10": (True, "start_call", True),
}


class RuleError(Exception):
    pass


class ProtocolError(Exception):
    def __init__(self, token, message):
        super().__init__(message)
        self.token = token
        self.message = message


# ---------------------------------------------------------------- signed 128-bit fixed point

class Fx:
    """A substrate-fixed signed 128-bit value with F fractional bits."""

    __slots__ = ("bits", "f")

    def __init__(self, bits, f):
        self.bits = bits
        self.f = f

    @staticmethod
    def clamp(v):
        return max(I128_MIN, min(I128_MAX, v))

    @classmethod
    def from_u64(cls, v, f):
        return cls(min(v << f, I128_MAX), f)

    def mul(self, o):  # saturating_mul: floor((a*b) / 2^F)
        return Fx(Fx.clamp((self.bits * o.bits) >> self.f), self.f)

    def add(self, o):
        return Fx(Fx.clamp(self.bits + o.bits), self.f)

    def sub(self, o):
        return Fx(Fx.clamp(self.bits - o.bits), self.f)

    def checked_div(self, o):  # trunc(a*2^F / b), None on zero or overflow
        if o.bits == 0:
            return None
        n = self.bits << self.f
        q = abs(n) // abs(o.bits)
        if (n < 0) != (o.bits < 0):
            q = -q
        if q > I128_MAX or q < I128_MIN:
            return None
        return Fx(q, self.f)

    def safe_div(self, o):
        q = self.checked_div(o)
        return q if q is not None else Fx(0, self.f)

    def to_u64(self):  # saturating_to_num::<u64>: floor, clamp
        if self.bits < 0:
            return 0
        return min(self.bits >> self.f, U64_MAX)

    def floor(self):
        return Fx((self.bits >> self.f) << self.f, self.f)

    def json(self, name):
        return {"type": name, "bits": str(self.bits)}


def one(f=32):
    return Fx(1 << f, f)


# ---------------------------------------------------------------- input helpers

def dec(inp, key, default=None, lo=0, hi=U64_MAX, signed=False):
    if key not in inp or inp[key] is None:
        if default is None:
            raise ProtocolError("missing_field", f"request.input.{key}: required field is missing")
        return default
    v = inp[key]
    if not isinstance(v, str) or not v or not (v.isdigit() or (signed and v[0] == "-" and v[1:].isdigit())):
        raise ProtocolError("invalid_field", f"request.input.{key}: expected a decimal integer string")
    digits = v.lstrip("-")
    if len(digits) > 1 and digits[0] == "0":
        raise ProtocolError("invalid_field", f"request.input.{key}: leading zeros are not allowed")
    n = int(v)
    if n < lo or n > hi:
        raise ProtocolError("invalid_field", f"request.input.{key}: {n} is out of range")
    return n


def fixed_bits(inp, key, default_bits):
    if key not in inp or inp[key] is None:
        return default_bits
    v = inp[key]
    if not isinstance(v, dict) or v.get("type") != "I96F32" or set(v) != {"type", "bits"}:
        raise ProtocolError("invalid_field", f"request.input.{key}: expected an I96F32 value")
    return dec(v, "bits", lo=I128_MIN, hi=I128_MAX, signed=True)


def check_fields(inp, allowed):
    for k in inp:
        if k not in allowed:
            raise ProtocolError("invalid_field", f"request.input.{k}: unknown field")


POOL = {"netuid", "subnet_mechanism", "subnet_tao", "subnet_alpha_in", "subnet_alpha_out"}


def pool(inp):
    netuid = dec(inp, "netuid", 1, hi=65535)
    mech = dec(inp, "subnet_mechanism", 0 if netuid == 0 else 1, hi=1)
    return {
        "netuid": netuid,
        "dynamic": mech == 1,
        "stable": netuid == 0 or mech == 0,
        "tao": dec(inp, "subnet_tao"),
        "alpha": dec(inp, "subnet_alpha_in"),
    }


# ---------------------------------------------------------------- float helpers

def fbits(value, f, up=False):
    """Fixed-point bits of a double: truncated (the chain's direction) or, --wrong, rounded up."""
    if value != value:
        return 0
    scaled = value * (2 ** f)
    if scaled >= I128_MAX:
        return I128_MAX
    if scaled <= I128_MIN:
        return I128_MIN
    return math.ceil(scaled) if up else math.floor(scaled)


def famount(value, up=False):
    if value <= 0:
        return 0
    if value >= U64_MAX:
        return U64_MAX
    return math.ceil(value) if up else math.floor(value)


# ---------------------------------------------------------------- ops

def log2_inner(x):
    two = Fx.from_u64(2, 32)
    result = 0
    while x.bits >= two.bits:
        result += 1
        x = Fx((x.bits >> 1) + (x.bits & 1), 32)
    if x.bits == one().bits:
        return Fx.from_u64(result, 32)
    for _ in range(32):
        x = x.mul(x)
        result <<= 1
        if x.bits >= two.bits:
            result |= 1
            x = Fx((x.bits >> 1) + (x.bits & 1), 32)
    return Fx(result, 32)


def op_block_emission(inp, rules):
    check_fields(inp, {"issuance"})
    issuance = dec(inp, "issuance")
    if MODE != "exact":
        if issuance >= SUPPLY:
            return {"emission": "0", "halvings": "0", "q": Fx(0, 32).json("I96F32"), "residual": Fx(0, 32).json("I96F32")}
        q = issuance / 2.1e16
        residual = math.log2(1.0 / (1.0 - q)) if q < 1.0 else 64.0
        halvings = math.floor(residual)
        emission = famount(1e9 / 2.0 ** halvings, MODE == "wrong")
        return {"emission": str(emission), "halvings": str(halvings),
                "q": {"type": "I96F32", "bits": str(fbits(q, 32))},
                "residual": {"type": "I96F32", "bits": str(fbits(residual, 32))}}
    ti = Fx.from_u64(issuance, 32)
    if ti.bits >= Fx.from_u64(SUPPLY, 32).bits:
        return {"emission": "0", "halvings": "0", "q": Fx(0, 32).json("I96F32"), "residual": Fx(0, 32).json("I96F32")}
    supply = Fx(2 << 32, 32).mul(Fx(10_500_000_000_000_000 << 32, 32))
    q = ti.checked_div(supply)
    one_minus_q = one().sub(q)
    inverse = one().checked_div(one_minus_q)
    if q is None or inverse is None:
        raise RuleError("logarithm_failed")
    residual = log2_inner(inverse)
    halvings = residual.floor().to_u64()
    multiplier = one()
    for _ in range(halvings):
        multiplier = multiplier.mul(Fx.from_u64(2, 32))
    percentage = one().safe_div(multiplier)
    emission = percentage.mul(Fx.from_u64(1_000_000_000, 32)).to_u64()
    return {"emission": str(emission), "halvings": str(halvings), "q": q.json("I96F32"), "residual": residual.json("I96F32")}


def price_fx(p):
    if p["stable"]:
        return one()
    if p["alpha"] == 0:
        return Fx(0, 32)
    if MODE != "exact":
        return Fx(fbits(p["tao"] / p["alpha"], 32, MODE == "wrong"), 32)
    q = Fx.from_u64(p["tao"], 32).checked_div(Fx.from_u64(p["alpha"], 32))
    return q if q is not None else Fx(0, 32)


def op_alpha_price(inp, rules):
    check_fields(inp, POOL)
    return {"price": price_fx(pool(inp)).json("I96F32")}


def sim_swap(inp, buy):
    check_fields(inp, POOL | {"amount"})
    p = pool(inp)
    amount = dec(inp, "amount")
    key = "alpha_out" if buy else "tao_out"
    if not p["dynamic"]:
        return {key: str(amount)}
    x_in, y_out = (p["tao"], p["alpha"]) if buy else (p["alpha"], p["tao"])
    if MODE != "exact":
        up = MODE == "wrong"
        k = float(x_in) * float(y_out)
        d = float(x_in) + float(amount)
        new = k / d if d else 0.0
        kb = min(fbits(k, 18), I128_MAX)
        if kb >= I128_MAX:  # saturated k, as the chain's I110F18 does
            new = (I128_MAX / 2**18) / d if d else 0.0
        if new < MIN_LIQUIDITY:
            raise RuleError("insufficient_liquidity")
        return {key: str(famount(y_out - new, up)), "k": {"type": "I110F18", "bits": str(kb)},
                "new_reserve": {"type": "I110F18", "bits": str(fbits(new, 18, up))}}
    x = Fx.from_u64(x_in, 18)
    y = Fx.from_u64(y_out, 18)
    k = y.mul(x)
    new = k.safe_div(x.add(Fx.from_u64(amount, 18)))
    if new.bits < Fx.from_u64(MIN_LIQUIDITY, 18).bits:
        raise RuleError("insufficient_liquidity")
    return {key: str(y.sub(new).to_u64()), "k": k.json("I110F18"), "new_reserve": new.json("I110F18")}


def op_update_moving_price(inp, rules):
    clamp, ramp, per_subnet = rules
    check_fields(inp, POOL | {"subnet_moving_price", "subnet_moving_alpha", "block", "network_registered_at",
                              "first_emission_block_number", "ema_price_halving_blocks"})
    p = pool(inp)
    moving = fixed_bits(inp, "subnet_moving_price", 0)
    alpha_bits = fixed_bits(inp, "subnet_moving_alpha", DEFAULT_MOVING_ALPHA_BITS)
    if alpha_bits < 0:
        raise ProtocolError("invalid_field", "request.input.subnet_moving_alpha: must not be negative")
    block = dec(inp, "block", 0)
    registered = dec(inp, "network_registered_at", 0)
    feb = dec(inp, "first_emission_block_number", -1) if inp.get("first_emission_block_number") is not None else None
    h = dec(inp, "ema_price_halving_blocks", DEFAULT_EMA_HALVING) if per_subnet else EMA_RAMP_CONSTANT
    if not per_subnet:
        dec(inp, "ema_price_halving_blocks", DEFAULT_EMA_HALVING)
    b = 0
    if ramp == "registration":
        b = max(0, block - registered)
    elif ramp == "start_call":
        b = max(0, block - max(0, (feb or 0) - 1))
    if MODE != "exact":
        up = MODE == "wrong"
        a = alpha_bits / 2**32
        if ramp != "none":
            a = a * (b / (b + h) if b + h else 0.0)
        price = 1.0 if p["stable"] else (p["tao"] / p["alpha"] if p["alpha"] else 0.0)
        if clamp:
            price = min(price, 1.0)
        m = 1.0 if p["stable"] else moving / 2**32
        new = a * price + (1.0 - a) * m
        return {"subnet_moving_price": {"type": "I96F32", "bits": str(fbits(new, 32, up))},
                "alpha": {"type": "I96F32", "bits": str(fbits(a, 32))},
                "price": {"type": "I96F32", "bits": str(fbits(price, 32))},
                "blocks_since": str(b)}
    alpha = Fx(alpha_bits, 32)
    if ramp != "none":
        B = Fx.from_u64(b, 32)
        H = Fx.from_u64(h, 32)
        alpha = alpha.mul(B.safe_div(B.add(H)))
    minus_alpha = one().sub(alpha)
    price = price_fx(p)
    if clamp and price.bits > one().bits:
        price = one()
    current_moving = one() if p["stable"] else Fx(moving, 32)
    new = alpha.mul(price).add(minus_alpha.mul(current_moving))
    return {"subnet_moving_price": new.json("I96F32"), "alpha": alpha.json("I96F32"),
            "price": price.json("I96F32"), "blocks_since": str(b)}


OPS = {
    "block_emission": op_block_emission,
    "alpha_price": op_alpha_price,
    "sim_swap_tao_for_alpha": lambda inp, rules: sim_swap(inp, True),
    "sim_swap_alpha_for_tao": lambda inp, rules: sim_swap(inp, False),
    "update_moving_price": op_update_moving_price,
}


def answer(line):
    try:
        req = json.loads(line)
    except ValueError as e:
        return {"id": None, "error": "malformed_request", "message": f"invalid JSON: {e}"}
    if not isinstance(req, dict):
        return {"id": None, "error": "malformed_request", "message": "the request must be a JSON object"}
    rid = req.get("id") if isinstance(req.get("id"), str) else None
    try:
        for k in req:
            if k not in ("id", "ruleset", "op", "arithmetic", "input"):
                raise ProtocolError("invalid_field", f"request.{k}: unknown field")
        for k in ("id", "ruleset", "op", "input"):
            if k not in req:
                raise ProtocolError("missing_field", f"request.{k}: required field is missing")
        if req["ruleset"] not in RULESETS:
            raise ProtocolError("unknown_ruleset", f"request.ruleset: no ruleset {req['ruleset']!r}")
        if req.get("arithmetic", "chain") == "exact":
            raise ProtocolError("unknown_arithmetic", "request.arithmetic: this adapter implements chain arithmetic only")
        if req.get("arithmetic", "chain") != "chain":
            raise ProtocolError("unknown_arithmetic", "request.arithmetic: expected \"chain\" or \"exact\"")
        op = OPS.get(req["op"])
        if op is None:
            raise ProtocolError("unknown_op", f"request.op: {req['op']!r} is not implemented by this adapter")
        if not isinstance(req["input"], dict):
            raise ProtocolError("invalid_field", "request.input: expected an object")
        return {"id": rid, "output": op(req["input"], RULESETS[req["ruleset"]])}
    except RuleError as e:
        return {"id": rid, "error": str(e)}
    except ProtocolError as e:
        return {"id": rid, "error": e.token, "message": e.message}
    except Exception as e:  # a bug: reported, never a crash
        return {"id": rid, "error": "internal_error", "message": repr(e)}


def main():
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        out.write(json.dumps(answer(line), sort_keys=True, separators=(",", ":")) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
