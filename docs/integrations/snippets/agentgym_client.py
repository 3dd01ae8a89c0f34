"""Step one ALFWorld episode on the SPA env server (AgentGym protocol). Needs `requests`.

SPA_ENV_URL defaults to http://127.0.0.1:36001; SPA_ENV_TOKEN is sent as a bearer token when set.
"""

import os

import requests

BASE = os.environ.get("SPA_ENV_URL", "http://127.0.0.1:36001")
TOKEN = os.environ.get("SPA_ENV_TOKEN")
session = requests.Session()
if TOKEN:
    session.headers["Authorization"] = f"Bearer {TOKEN}"

env_id = session.post(f"{BASE}/createEnv", json={"env": "alfworld"}).json()["id"]
try:
    state = session.post(f"{BASE}/reset", json={"id": env_id, "data_idx": 0}).json()
    print(state["taskId"], "|", state["goal"])
    done = False
    steps = 0
    while not done:
        actions = session.get(f"{BASE}/available_actions", params={"id": env_id}).json()
        step = session.post(f"{BASE}/step", json={"id": env_id, "action": actions[0]})
        step.raise_for_status()
        step = step.json()
        steps += 1
        done = step["done"]
    print("steps", steps, "reward", step["reward"], "won", step["info"].get("won"))
finally:
    session.post(f"{BASE}/close", json={"id": env_id})
