/**
 * The Lua scripts behind the Redis state. Each runs atomically on the server, so a check and the
 * change it guards can never interleave with another gateway instance's.
 *
 * Numbers: Lua numbers are doubles, exact for integers below 2^53 nano-USD (≈ $9M). Integers are
 * written back with `string.format('%d')`, because Redis would turn a plain Lua number into
 * "1e+15", which INCRBY rejects.
 */

/** Helpers shared by the budget scripts. Time is the Redis server's, so instance clocks don't matter. */
const PRELUDE = `
local function int(x) return string.format('%d', x) end
local function server_now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- Drops reservations whose lease ended (their instance died before settling) and frees their amount.
-- Members are "id#item#amount"; z is the ZSET member -> expiry, s the key's reserved total.
local function expire(z, s, now)
  local gone = redis.call('ZRANGEBYSCORE', z, '-inf', int(now))
  if #gone > 0 then
    local freed = 0
    for _, m in ipairs(gone) do freed = freed + tonumber(string.match(m, '#(%-?%d+)$')) end
    redis.call('ZREMRANGEBYSCORE', z, '-inf', int(now))
    if redis.call('ZCARD', z) > 0 then redis.call('DECRBY', s, int(freed)) return end
  elseif redis.call('EXISTS', z) == 1 then return end
  -- No live reservation: the total is 0, whatever a lost key or an eviction left behind.
  redis.call('DEL', s)
end
`;

/**
 * KEYS: [1] the reservation record, [2] the dataset's generation, then per item: its reservations
 * ZSET, its reserved total, and the counters whose sum is its spend.
 * ARGV: id, leaseMs, item count, the generation the caller's counters were rebuilt in, the
 * generation's TTL ms, then per item: #spent keys, limit, amount, spend key, its TTL ms.
 * Returns {1} when reserved on all items, {0, item index, spent, reserved} for the first that
 * does not fit (nothing reserved), or {-1} when the generation is not the caller's: Redis lost its
 * data since the caller rebuilt its counters, which must not be trusted (nothing reserved).
 */
export const RESERVE = `${PRELUDE}
if redis.call('GET', KEYS[2]) ~= ARGV[4] then return {-1} end
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[5]) / 2 then redis.call('PEXPIRE', KEYS[2], ARGV[5]) end
local now = server_now()
local id, lease, n = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local k, a = 3, 6
local held = {}
-- Each item's spend and reservations once this one is held: the caller needs no snapshot afterwards.
local levels = {}
for i = 1, n do
  local m, limit, amount = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  local z, s = KEYS[k], KEYS[k + 1]
  expire(z, s, now)
  local spent = 0
  for j = k + 2, k + 1 + m do spent = spent + (tonumber(redis.call('GET', KEYS[j])) or 0) end
  local reserved = tonumber(redis.call('GET', s)) or 0
  if spent + reserved + amount > limit then return {0, i, spent, reserved} end
  held[i] = {z = z, s = s, a = ARGV[a + 2], k = ARGV[a + 3], t = ARGV[a + 4]}
  levels[2 * i - 1], levels[2 * i] = spent, reserved + amount
  k, a = k + 2 + m, a + 5
end
for i, h in ipairs(held) do
  redis.call('ZADD', h.z, int(now + lease), id .. '#' .. i .. '#' .. h.a)
  redis.call('INCRBY', h.s, h.a)
  -- The holders outlive their newest reservation and no more, so abandoned keys vanish.
  if redis.call('PTTL', h.z) < lease then redis.call('PEXPIRE', h.z, lease) end
  if redis.call('PTTL', h.s) < lease then redis.call('PEXPIRE', h.s, lease) end
end
-- The record expires with the lease: settling after that is a no-op, as in the in-process state.
redis.call('SET', KEYS[1], cjson.encode(held), 'PX', lease)
table.insert(levels, 1, 1)
return levels
`;

/**
 * Settles or releases a reservation. KEYS: [1] the record. ARGV: id, actual spend ('' to release).
 * The record is deleted first, so settling twice counts once.
 */
export const FINISH = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
redis.call('DEL', KEYS[1])
local id, actual = ARGV[1], ARGV[2]
for i, h in ipairs(cjson.decode(raw)) do
  -- ZREM = 0 means the lease already dropped it (and freed its amount): don't free it twice.
  if redis.call('ZREM', h.z, id .. '#' .. i .. '#' .. h.a) == 1 then
    if redis.call('ZCARD', h.z) == 0 then redis.call('DEL', h.s) else redis.call('DECRBY', h.s, h.a) end
  end
  if actual ~= '' then
    redis.call('INCRBY', h.k, actual)
    redis.call('PEXPIRE', h.k, h.t)
  end
end
return 1
`;

/** KEYS: [1] reservations ZSET, [2] reserved total, [3..] spent counters. Returns {spent, reserved}. */
export const SNAPSHOT = `${PRELUDE}
expire(KEYS[1], KEYS[2], server_now())
local spent = 0
for j = 3, #KEYS do spent = spent + (tonumber(redis.call('GET', KEYS[j])) or 0) end
return {spent, tonumber(redis.call('GET', KEYS[2])) or 0}
`;

/**
 * A counter rebuilt from the ledger. KEYS: [1] counter, [2] its seeded mark, [3] the generation.
 * ARGV: spend, TTL ms, the caller's generation. The first rebuild since Redis lost its data sets the
 * counter, over whatever spend was added to it before (that spend is in the ledger it was rebuilt
 * from); later ones, by other instances or restarted processes, change nothing. Returns 1 (set),
 * 0 (rebuilt already) or -1 (the generation is not the caller's: nothing done).
 */
export const SEED = `
if redis.call('GET', KEYS[3]) ~= ARGV[3] then return -1 end
if not redis.call('SET', KEYS[2], '1', 'PX', ARGV[2], 'NX') then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

/** KEYS: [1] the generation. ARGV: a new id, TTL ms. Keeps the current generation, or starts one; returns it. */
export const GENERATION = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX')
return redis.call('GET', KEYS[1])
`;

/** KEYS: [1] counter. ARGV: amount, TTL ms. Spend booked without a reservation. */
export const ADD = `
redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

/**
 * A sliding-window hit, with the in-process approximation: the window is 10 slices and the total
 * is the sum of the slices inside it. KEYS: [1] hash slice -> count. ARGV: amount, windowMs, now
 * (the caller's clock, as in the in-process state). Returns the total after adding.
 */
export const HIT = `
local window, now = tonumber(ARGV[2]), tonumber(ARGV[3])
local slice_ms = math.max(1, math.ceil(window / 10))
redis.call('HINCRBY', KEYS[1], string.format('%d', math.floor(now / slice_ms)), ARGV[1])
local oldest = math.floor((now - window) / slice_ms)
local flat = redis.call('HGETALL', KEYS[1])
local total = 0
for i = 1, #flat, 2 do
  if tonumber(flat[i]) <= oldest then redis.call('HDEL', KEYS[1], flat[i]) else total = total + tonumber(flat[i + 1]) end
end
-- An idle series disappears once its whole window has passed.
redis.call('PEXPIRE', KEYS[1], window)
return total
`;
