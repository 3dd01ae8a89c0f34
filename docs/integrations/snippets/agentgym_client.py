"""Step one ALFWorld episode on the SPA env server (AgentGym protocol). Needs `requests`.

SPA_ENV_URL defaults to http://127.0.0.1:36001; SPA_ENV_TOKEN is sent as a bearer token when set.
SPA_MAX_STEPS stops the episode after that many steps (default 0: play until `done`).
"""

import os

import requests

BASE = os.environ.get("SPA_ENV_URL", "http://127.0.0.1:36001")
TOKEN = os.environ.get("SPA_ENV_TOKEN")
MAX_STEPS = int(os.environ.get("SPA_MAX_STEPS", "0"))
session = requests.Session()
if TOKEN:
    session.headers["Authorization"] = f"Bearer {TOKEN}"

created = session.post(f"{BASE}/createEnv", json={"env": "alfworld"})
created.raise_for_status()
env_id = created.json()["id"]
try:
    state = session.post(f"{BASE}/reset", json={"id": env_id, "data_idx": 0}).json()
    print(state["taskId"], "|", state["goal"])
    done = False
    steps = 0
    while not done and (MAX_STEPS <= 0 or steps < MAX_STEPS):
        actions = session.get(f"{BASE}/available_actions", params={"id": env_id}).json()
        step = session.post(f"{BASE}/step", json={"id": env_id, "action": actions[0]})
        step.raise_for_status()
        step = step.json()
        steps += 1
        done = step["done"]
    print("steps", steps, "done", done, "reward", step["reward"], "won", step["info"].get("won"))
finally:
    session.post(f"{BASE}/close", json={"id": env_id})
