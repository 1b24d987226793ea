"""The Redis scripts of a flash sale. Each runs atomically on the keys of ONE sale (hash tag
`{sale:<id>}`, so it runs unchanged on Redis Cluster):

  KEYS[1] meta   hash  starts, ends (epoch ms), limit, remaining, held, sold, reserved, closed,
                      paused (1 while the sale's shop is suspended: nothing is reserved, claimed or taken fresh)
  KEYS[2] users  hash  user id -> units held or bought
  KEYS[3] holds  hash  hold id -> "<user id>|<qty>|<checkout id or empty>"
  KEYS[4] exp    zset  hold id scored by its expiry (epoch ms)
  KEYS[5] done   hash  hold id -> units sold through it (a payment counts once)
  KEYS[6] tick   string, set for 250 ms after the remaining count changed (coalesces live pushes)

Every script that changes `remaining` answers whether it set the tick: only then does the caller
schedule one live update, so a sale pushes its remaining count at most 4 times a second.

Apart from them, each shopper has an index of their live holds, `{user:<id>}:flash_holds` (another slot).
On a single Redis the reservation script writes it in the same step (one round trip, and the index can
never miss a hold); on a Redis Cluster, where a script may only touch one slot, the store writes it in a
second step after a successful reservation (REMEMBER_HOLD), as the checkout does when it claims a hold."""

from __future__ import annotations

_COMMON = """
local function parse(h)
  local a = string.find(h, '|', 1, true)
  local b = string.find(h, '|', a + 1, true)
  return string.sub(h, 1, a - 1), tonumber(string.sub(h, a + 1, b - 1)), string.sub(h, b + 1)
end
local function release(id)
  local h = redis.call('HGET', KEYS[3], id)
  if not h then return 0 end
  local user, qty = parse(h)
  redis.call('HDEL', KEYS[3], id)
  redis.call('ZREM', KEYS[4], id)
  redis.call('HINCRBY', KEYS[1], 'remaining', qty)
  redis.call('HINCRBY', KEYS[1], 'held', -qty)
  if redis.call('HINCRBY', KEYS[2], user, -qty) <= 0 then redis.call('HDEL', KEYS[2], user) end
  return qty
end
local function tick(changed, ms)
  if changed and redis.call('SET', KEYS[6], '1', 'NX', 'PX', ms) then return 1 end
  return 0
end
"""

# A shopper's index of live holds (a hash reservation id -> "<expiry ms>|<checkout id or empty>"): entries past
# their expiry are dropped, and the key lives as long as its latest hold.
_REMEMBER = """
local function remember(key, reservation, value, now, ttl)
  local all = redis.call('HGETALL', key)
  for i = 1, #all, 2 do
    local expiry = tonumber(string.match(all[i + 1], '^(%d+)'))
    if expiry and expiry <= now then redis.call('HDEL', key, all[i]) end
  end
  redis.call('HSET', key, reservation, value)
  if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
end
"""

# KEYS + [7] user's rate-limit counter, [8] the IP's, and on a single Redis only [9] the user's index of holds
# ARGV now_ms user qty hold_id expires_ms user_limit ip_limit window_s tick_ms [reservation_id index_ttl_ms]
# -> {reason, remaining (or seconds to wait when rate_limited), tick}
RESERVE = (
    _COMMON
    + _REMEMBER
    + """
local function over(key, limit)
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('EXPIRE', key, tonumber(ARGV[8])) end
  if n > tonumber(limit) then
    local ttl = redis.call('TTL', key)
    if ttl < 1 then ttl = 1 end
    return ttl
  end
  return false
end
local wait = over(KEYS[7], ARGV[6]) or over(KEYS[8], ARGV[7])
if wait then return {'rate_limited', wait, 0} end
local m = redis.call('HMGET', KEYS[1], 'starts', 'ends', 'limit', 'closed', 'paused')
if not m[1] then return {'missing', 0, 0} end
local now = tonumber(ARGV[1])
if m[4] == '1' then return {'ended', 0, 0} end
if m[5] == '1' then return {'shop_suspended', 0, 0} end
if now < tonumber(m[1]) then return {'not_started', 0, 0} end
if now >= tonumber(m[2]) then return {'ended', 0, 0} end
local freed = 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now, 'LIMIT', 0, 20)) do
  freed = freed + release(id)
end
local user, qty = ARGV[2], tonumber(ARGV[3])
local left = tonumber(redis.call('HGET', KEYS[1], 'remaining'))
if tonumber(redis.call('HGET', KEYS[2], user) or '0') + qty > tonumber(m[3]) then
  return {'limit_reached', left, tick(freed > 0, ARGV[9])}
end
if left < qty then return {'sold_out', left, tick(freed > 0, ARGV[9])} end
redis.call('HINCRBY', KEYS[1], 'remaining', -qty)
redis.call('HINCRBY', KEYS[1], 'held', qty)
redis.call('HINCRBY', KEYS[1], 'reserved', qty)
redis.call('HINCRBY', KEYS[2], user, qty)
redis.call('HSET', KEYS[3], ARGV[4], user .. '|' .. qty .. '|')
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[4])
if KEYS[9] then remember(KEYS[9], ARGV[10], ARGV[5] .. '|', now, tonumber(ARGV[11])) end
return {'ok', left - qty, tick(true, ARGV[9])}
"""
)

# ARGV hold_id -> {hold value or false, expiry ms or false}
PEEK = """
return {redis.call('HGET', KEYS[3], ARGV[1]), redis.call('ZSCORE', KEYS[4], ARGV[1])}
"""

# A checkout takes the hold as its own (once; the same checkout again is fine); a paused sale's holds are not taken.
# ARGV hold_id user checkout now_ms -> {'ok', qty, expiry ms} | {'gone'} | {'not_yours'} | {'claimed'} | {'paused'}
CLAIM = (
    _COMMON
    + """
local h = redis.call('HGET', KEYS[3], ARGV[1])
if not h then return {'gone'} end
local user, qty, claim = parse(h)
if user ~= ARGV[2] then return {'not_yours'} end
if claim ~= '' and claim ~= ARGV[3] then return {'claimed'} end
if claim == '' and redis.call('HGET', KEYS[1], 'paused') == '1' then return {'paused'} end
local expiry = tonumber(redis.call('ZSCORE', KEYS[4], ARGV[1]))
if expiry <= tonumber(ARGV[4]) then return {'gone'} end
redis.call('HSET', KEYS[3], ARGV[1], user .. '|' .. qty .. '|' .. ARGV[3])
return {'ok', qty, expiry}
"""
)

# The checkout (ARGV[2]) gives its hold back; a hold claimed by another checkout is left alone.
# ARGV hold_id checkout tick_ms -> {units returned, tick}
RELEASE = (
    _COMMON
    + """
local h = redis.call('HGET', KEYS[3], ARGV[1])
if not h then return {0, 0} end
local _, _, claim = parse(h)
if claim ~= '' and claim ~= ARGV[2] then return {0, 0} end
local qty = release(ARGV[1])
return {qty, tick(qty > 0, ARGV[3])}
"""
)

# ARGV now_ms tick_ms -> {units returned from every hold expired by now, tick}
EXPIRE = (
    _COMMON
    + """
local total = 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', ARGV[1])) do total = total + release(id) end
return {total, tick(total > 0, ARGV[2])}
"""
)

# A payment for the hold: its units become sold, once (done). A hold that is gone (expired, or
# dropped by a rebuild) takes fresh units from the pool if the sale is still open and not paused, the user
# is under the limit and enough are left. ARGV hold_id user qty checkout now_ms tick_ms
# -> {'ok', qty, tick} | {'closed'|'ended'|'shop_suspended'|'limit_reached'|'sold_out'|'not_yours'|'missing', 0, 0}
SELL = (
    _COMMON
    + """
local done = redis.call('HGET', KEYS[5], ARGV[1])
if done then return {'ok', tonumber(done), 0} end
local m = redis.call('HMGET', KEYS[1], 'ends', 'limit', 'remaining', 'closed', 'paused')
if not m[1] then return {'missing', 0, 0} end
if m[4] == '1' then return {'closed', 0, 0} end
local user = ARGV[2]
local h = redis.call('HGET', KEYS[3], ARGV[1])
if h then
  local owner, qty, claim = parse(h)
  if owner ~= user or (claim ~= '' and claim ~= ARGV[4]) then return {'not_yours', 0, 0} end
  redis.call('HDEL', KEYS[3], ARGV[1])
  redis.call('ZREM', KEYS[4], ARGV[1])
  redis.call('HINCRBY', KEYS[1], 'held', -qty)
  redis.call('HINCRBY', KEYS[1], 'sold', qty)
  redis.call('HSET', KEYS[5], ARGV[1], qty)
  return {'ok', qty, 0}
end
local qty = tonumber(ARGV[3])
if tonumber(ARGV[5]) >= tonumber(m[1]) then return {'ended', 0, 0} end
if m[5] == '1' then return {'shop_suspended', 0, 0} end
if tonumber(redis.call('HGET', KEYS[2], user) or '0') + qty > tonumber(m[2]) then return {'limit_reached', 0, 0} end
if tonumber(m[3]) < qty then return {'sold_out', 0, 0} end
redis.call('HINCRBY', KEYS[1], 'remaining', -qty)
redis.call('HINCRBY', KEYS[1], 'sold', qty)
redis.call('HINCRBY', KEYS[1], 'reserved', qty)
redis.call('HINCRBY', KEYS[2], user, qty)
redis.call('HSET', KEYS[5], ARGV[1], qty)
return {'ok', qty, tick(true, ARGV[6])}
"""
)

# Loads a sale unless it is already loaded (leftovers of a half-lost sale are cleared first).
# ARGV starts ends limit remaining sold reserved
# users_json done_json paused -> 1 when loaded, 0 when it was there already
LOAD = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
redis.call('HSET', KEYS[1], 'starts', ARGV[1], 'ends', ARGV[2], 'limit', ARGV[3], 'remaining', ARGV[4],
  'held', 0, 'sold', ARGV[5], 'reserved', ARGV[6], 'closed', 0, 'paused', ARGV[9])
for user, n in pairs(cjson.decode(ARGV[7])) do redis.call('HSET', KEYS[2], user, n) end
for hold, n in pairs(cjson.decode(ARGV[8])) do redis.call('HSET', KEYS[5], hold, n) end
return 1
"""

# Before the start only (nothing ever reserved): new window, limit and quantity.
# ARGV starts ends limit remaining -> 1, or 0 when units were already reserved
RESET = """
if tonumber(redis.call('HGET', KEYS[1], 'reserved') or '0') > 0 then return 0 end
redis.call('HSET', KEYS[1], 'starts', ARGV[1], 'ends', ARGV[2], 'limit', ARGV[3], 'remaining', ARGV[4])
return 1
"""

# Pause (1) or resume (0) a loaded sale: its shop was suspended or reinstated. Counts are untouched.
# ARGV paused -> 1, or 0 when Redis does not hold the sale (a rebuild reads the shop's state then)
PAUSE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'paused', ARGV[1])
return 1
"""

# No more reservations or payments; holds dropped (their units are accounted for by MongoDB).
# -> units that were held
CLOSE = """
local held = tonumber(redis.call('HGET', KEYS[1], 'held') or '0')
redis.call('HSET', KEYS[1], 'closed', 1, 'remaining', 0, 'held', 0)
redis.call('DEL', KEYS[3], KEYS[4])
return held
"""

# The shopper's index of live holds on its own (see the top): KEYS[1] {user:<id>}:flash_holds
# ARGV reservation value now_ms ttl_ms
REMEMBER_HOLD = (
    _REMEMBER
    + """
remember(KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]))
return 1
"""
)
