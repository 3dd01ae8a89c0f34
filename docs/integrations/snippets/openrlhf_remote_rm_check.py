"""Posts a batch to SPA's reward server the way OpenRLHF's remote reward client does. Needs `requests`.

Checks a `--reward.remote_url` (formerly `--remote_rm_url`) setting before a training run:

    python3 openrlhf_remote_rm_check.py http://127.0.0.1:5000/get_reward
    python3 openrlhf_remote_rm_check.py http://127.0.0.1:5000/get_reward,http://127.0.0.1:5001/get_reward batch.json

The first argument is the flag's value (comma-separated URLs; default $SPA_REWARD_URLS or
http://127.0.0.1:5000/get_reward). The optional second one is a JSON file
{"query": [...], "prompts": [...], "labels": [...]}; without it a built-in two-sample ReAct batch
is sent.

What it copies from OpenRLHF's client: one POST of {"query", "prompts", "labels"} per URL, the
batch split into ceil(n / len(urls)) samples per URL in order, 5 tries per URL with a 1 s sleep
after each failure (any HTTP status >= 400 counts as one), a 180 s timeout, and the answers'
`rewards` concatenated in URL order. OpenRLHF posts with aiohttp (180 s for the whole request);
`requests` applies 180 s to connecting and to each read. No Authorization header is sent, as in
the OpenRLHF client code this was written from.

Prints one JSON line: {"rewards": [...], "scores": [...], "shards": [samples per URL]}.
"""

import json
import os
import sys
import time

import requests

TRIES = 5
SLEEP_S = 1
TIMEOUT_S = 180

EXAMPLE = {
    "query": [
        "Your task is to: put a clean cloth in cabinet.\n"
        "Observation: You are in the middle of a room.\n"
        "Thought: I need a cloth.\nAction: go to cabinet 1\n"
        "Observation: Nothing happens.\n"
        "Action: go to countertop 1",
        "Your task is to: put a clean cloth in cabinet.\n"
        "Observation: You are in the middle of a room.\n"
        "Action: go to countertop 1\n"
        "Observation: On the countertop 1, you see a cloth 1.\n"
        "Action: take cloth 1 from countertop 1",
    ],
    "prompts": ["", ""],
    "labels": ["1", ""],
}


def post_with_retries(url, data):
    """One shard: OpenRLHF's request wrapper (5 tries, 1 s sleep, 180 s timeout)."""
    for attempt in range(1, TRIES + 1):
        try:
            response = requests.post(url, json=data, timeout=TIMEOUT_S)
            response.raise_for_status()
            return response.json()
        except Exception as error:  # OpenRLHF logs every failure and tries again
            print(f"try {attempt}/{TRIES} on {url} failed: {error}", file=sys.stderr)
        time.sleep(SLEEP_S)
    raise RuntimeError(f"{url}: request failed {TRIES} times; check the reward server")


def remote_rewards(urls, queries, prompts, labels):
    """Shards the batch across `urls` like OpenRLHF and concatenates the answers."""
    size = (len(queries) + len(urls) - 1) // len(urls)
    rewards, scores, shards = [], [], []
    for i, url in enumerate(urls):
        start, end = i * size, min((i + 1) * size, len(queries))
        shard = {
            "query": queries[start:end],
            "prompts": prompts[start:end],
            "labels": labels[start:end],
        }
        body = post_with_retries(url, shard)
        rewards += body["rewards"]
        scores += body.get("scores", body["rewards"])
        shards.append(end - start)
    return {"rewards": rewards, "scores": scores, "shards": shards}


if __name__ == "__main__":
    flag = sys.argv[1] if len(sys.argv) > 1 else None
    flag = flag or os.environ.get("SPA_REWARD_URLS", "http://127.0.0.1:5000/get_reward")
    urls = [url.strip() for url in flag.split(",") if url.strip()]
    if len(sys.argv) > 2:
        with open(sys.argv[2], encoding="utf-8") as file:
            batch = json.load(file)
    else:
        batch = EXAMPLE
    result = remote_rewards(urls, batch["query"], batch["prompts"], batch["labels"])
    print(json.dumps(result))
