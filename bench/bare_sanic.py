"""The baseline: a bare Sanic JSON endpoint, nothing else (run by http_baseline.py and flash_sale.py).

python bench/bare_sanic.py PORT [BACKLOG]   (BACKLOG: Sanic's listen backlog, default 100)"""

import sys

from sanic import Sanic
from sanic.response import json

app = Sanic("bare")


@app.get("/")
async def hello(request):
    return json({"hello": "world"})


if __name__ == "__main__":
    backlog = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    app.run(host="127.0.0.1", port=int(sys.argv[1]), backlog=backlog, single_process=True, access_log=False, motd=False)
