"""verl custom reward function that asks the SPA reward server for the step reward.

verl: custom_reward_function.path=spa_reward_verl.py custom_reward_function.name=compute_score

Needs `requests`. SPA_REWARD_URL defaults to http://127.0.0.1:5000; SPA_REWARD_TOKEN is sent as
a bearer token when set (required when the server is bound to a non-loopback address).
"""

import json
import os

import requests

SPA_URL = os.environ.get("SPA_REWARD_URL", "http://127.0.0.1:5000")
SPA_TOKEN = os.environ.get("SPA_REWARD_TOKEN")


def compute_score(data_source, solution_str, ground_truth, extra_info=None):
    """SPA step reward of the last `Action:` in `solution_str` (a ReAct transcript).

    `ground_truth` is the episode's final reward R as a string ('' when unknown); it is passed
    as OpenRLHF's `labels[i]`. The server answers 422 when `solution_str` has no `Action:` line.
    """
    headers = {"Authorization": f"Bearer {SPA_TOKEN}"} if SPA_TOKEN else {}
    label = ground_truth if isinstance(ground_truth, str) else json.dumps(ground_truth)
    response = requests.post(
        f"{SPA_URL}/get_reward",
        json={"query": [solution_str], "prompts": [""], "labels": [label]},
        headers=headers,
        timeout=60,
    )
    response.raise_for_status()
    body = response.json()
    # verl accepts a float or a dict with a "score" key (the other keys are logged).
    return {"score": body["rewards"][0], "spa_progress": body["scores"][0]}


if __name__ == "__main__":
    transcript = (
        "Your task is to: put a clean cloth in cabinet.\n"
        "Observation: You are in the middle of a room.\n"
        "Thought: I need a cloth.\nAction: go to cabinet 1\n"
        "Observation: Nothing happens.\n"
        "Action: go to countertop 1"
    )
    print(compute_score("spa/alfworld", transcript, "1", None))
