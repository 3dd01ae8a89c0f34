"""Calls a verl custom reward function file the way verl's NaiveRewardManager does.

Usage: python3 call_compute_score.py REWARD_FILE CALL_JSON

CALL_JSON holds `data_source`, `solution_str`, `ground_truth` and `extra_info`. The file is loaded
by path (as verl's `custom_reward_function.path` does), `compute_score` is called with keyword
arguments, and a dict answer is read through its "score" key. Prints one JSON line:
{"reward", "reward_type", "result"} on success, {"raised", "status"} when the call raises.
"""

import importlib.util
import json
import sys

path, call = sys.argv[1], json.loads(sys.argv[2])
spec = importlib.util.spec_from_file_location("custom_module", path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)

try:
    result = module.compute_score(
        data_source=call["data_source"],
        solution_str=call["solution_str"],
        ground_truth=call["ground_truth"],
        extra_info=call["extra_info"],
    )
except Exception as error:
    response = getattr(error, "response", None)
    print(
        json.dumps(
            {
                "raised": f"{type(error).__module__}.{type(error).__qualname__}",
                "status": None if response is None else response.status_code,
            }
        )
    )
    sys.exit(0)

reward = result["score"] if isinstance(result, dict) else result
print(json.dumps({"reward": reward, "reward_type": type(reward).__name__, "result": result}))
