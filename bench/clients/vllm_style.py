"""A vLLM-style benchmark client, written for this benchmark after the pattern `vllm bench serve`
uses (not its code): one aiohttp ClientSession, each response's content iterated chunk by chunk,
chunks split into SSE events on blank lines, `json.loads` on every event, `time.perf_counter()`
timestamps. Same protocol as the Deno clients (see _protocol.ts): READY / DONE handshakes on
stdin/stdout and a JSON result file. Start times are reported on the epoch clock
(`time.time()` at start plus `perf_counter()` deltas) to compare with the simulator's truth.

Usage: python vllm_style.py --url URL --users N --requests R --tokens T --out FILE
"""

import asyncio
import json
import sys
import time

import aiohttp


def args():
    a = dict(zip(sys.argv[1::2], sys.argv[2::2]))
    return {
        "url": a["--url"],
        "users": int(a.get("--users", 64)),
        "requests": int(a.get("--requests", 1)),
        "tokens": int(a.get("--tokens", 50)),
        "out": a["--out"],
    }


EPOCH0 = time.time() * 1000.0
PERF0 = time.perf_counter()


def epoch_ms(perf):
    return EPOCH0 + (perf - PERF0) * 1000.0


class LagProbe:
    """Every 10 ms, schedules a callback with call_soon and records how long it waited."""

    def __init__(self):
        self.samples = []
        self.running = True

    async def run(self):
        loop = asyncio.get_running_loop()
        while self.running:
            await asyncio.sleep(0.01)
            sent = time.perf_counter()
            done = loop.create_future()
            loop.call_soon(done.set_result, None)
            await done
            self.samples.append((time.perf_counter() - sent) * 1000.0)

    def summary(self):
        s = sorted(self.samples)
        if not s:
            return {"p50": 0, "p99": 0, "max": 0, "samples": 0}
        at = lambda q: s[min(len(s) - 1, int(q * len(s)))]
        return {"p50": at(0.5), "p90": at(0.9), "p99": at(0.99), "max": s[-1], "samples": len(s)}


async def one_request(session, url, user, tokens):
    body = {
        "model": "lean",
        "messages": [{"role": "user", "content": "Say something."}],
        "max_tokens": tokens,
        "stream": True,
        "stream_options": {"include_usage": True},
        "user": user,
    }
    start = time.perf_counter()
    ttft = None
    itl = []
    last = start
    buffer = ""
    done = False
    async with session.post(url, json=body) as response:
        if response.status != 200:
            return None
        async for chunk in response.content.iter_any():
            now = time.perf_counter()
            buffer += chunk.decode("utf-8")
            while "\n\n" in buffer:
                event, buffer = buffer.split("\n\n", 1)
                for line in event.split("\n"):
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        done = True
                        continue
                    payload = json.loads(data)
                    choices = payload.get("choices") or []
                    if choices and (choices[0].get("delta") or {}).get("content"):
                        if ttft is None:
                            ttft = now - start
                        else:
                            itl.append((now - last) * 1000.0)
                        last = now
    if not done or ttft is None:
        return None
    return [epoch_ms(start), ttft * 1000.0, (last - start) * 1000.0] + itl


async def main():
    a = args()
    rows = []
    failures = 0
    tokens = 0
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=6 * 60 * 60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        print("READY", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        probe = LagProbe()
        probe_task = asyncio.create_task(probe.run())
        t0 = time.perf_counter()

        async def user_loop(u):
            nonlocal failures, tokens
            for k in range(a["requests"]):
                try:
                    row = await one_request(session, a["url"], f"u{u}", a["tokens"])
                except Exception:
                    row = None
                if row is None:
                    failures += 1
                    continue
                tokens += len(row) - 2
                rows.append([f"u{u}", k] + row)

        await asyncio.gather(*(user_loop(u) for u in range(a["users"])))
        wall_ms = (time.perf_counter() - t0) * 1000.0
        probe.running = False
        await probe_task
    with open(a["out"], "w") as f:
        json.dump(
            {
                "requests": rows,
                "failures": failures,
                "lag": probe.summary(),
                "wallMs": wall_ms,
                "tokens": tokens,
            },
            f,
        )
    print("DONE", flush=True)
    sys.stdin.readline()


asyncio.run(main())
