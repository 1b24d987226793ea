"""The baseline: a bare Sanic JSON endpoint, nothing else (run by http_baseline.py)."""

import sys

from sanic import Sanic
from sanic.response import json

app = Sanic("bare")


@app.get("/")
async def hello(request):
    return json({"hello": "world"})


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]), single_process=True, access_log=False, motd=False)
