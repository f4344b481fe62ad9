-- One write of one writer (a replica's part of a counter), applied at most once.
-- KEYS[1]: the counter (a hash); KEYS[2]: the leases of the counter's scope (a hash, same slot).
-- ARGV[1..9]: writer, replica, sequence, now (ms), lease (ms), key ttl (ms; -1 persist, 0 leave),
--   lowest bucket still in the window, mode, limit; then by mode
--   'R' reserve if it fits: bucket, amount
--   'S' settle or release:  bucket, reserved, spent
--   'A' the writer's whole state (a repair): bucket, reserved, spent for each bucket it holds.
-- Fields: r:<bucket>:<writer> reserved, s:<bucket>:<writer> spent, v:<writer> last sequence.
-- A reservation counts while its replica's lease (field <replica> of KEYS[2]) is later than now.
-- Returns {code, committed, lost}: code 1 applied, 0 no room (nothing written), -1 stale (a later
-- write of this writer was applied: nothing written); lost 1 when this replica's lease had run out.
local writer, replica = ARGV[1], ARGV[2]
local seq, now, lease = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local ttl, low, mode = tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8]
local vfield = 'v:' .. writer
if seq <= tonumber(redis.call('HGET', KEYS[1], vfield) or '0') then
  return {-1, 0, 0}
end
local lost = 0
if tonumber(redis.call('HGET', KEYS[2], replica) or '0') <= now then
  lost = 1
end
local committed = 0
if mode == 'R' then
  local limit, amount = tonumber(ARGV[9]), tonumber(ARGV[11])
  local live = {}
  local lv = redis.call('HGETALL', KEYS[2])
  for i = 1, #lv, 2 do
    if tonumber(lv[i + 1]) > now then
      live[lv[i]] = true
    end
  end
  live[replica] = true
  local all = redis.call('HGETALL', KEYS[1])
  local gone = {}
  for i = 1, #all, 2 do
    local kind, b, w = string.match(all[i], '^([rs]):(%-?%d+):(.+)$')
    if kind then
      if tonumber(b) < low then
        gone[#gone + 1] = all[i]
      elseif kind == 's' or live[string.match(w, '^(.-)%.')] then
        committed = committed + tonumber(all[i + 1])
      else
        gone[#gone + 1] = all[i] -- a reservation whose replica's lease ran out
      end
    end
  end
  if #gone > 0 then
    redis.call('HDEL', KEYS[1], unpack(gone))
  end
  if committed + amount > limit then
    return {0, committed, lost}
  end
  committed = committed + amount
  redis.call('HINCRBY', KEYS[1], 'r:' .. ARGV[10] .. ':' .. writer, amount)
elseif mode == 'S' then
  local rfield = 'r:' .. ARGV[10] .. ':' .. writer
  local left = tonumber(redis.call('HGET', KEYS[1], rfield) or '0') - tonumber(ARGV[11])
  if left > 0 then
    redis.call('HSET', KEYS[1], rfield, left)
  else
    redis.call('HDEL', KEYS[1], rfield)
  end
  if tonumber(ARGV[12]) > 0 then
    redis.call('HINCRBY', KEYS[1], 's:' .. ARGV[10] .. ':' .. writer, ARGV[12])
  end
else
  local mine = {}
  local all = redis.call('HGETALL', KEYS[1])
  for i = 1, #all, 2 do
    local kind, b, w = string.match(all[i], '^([rs]):(%-?%d+):(.+)$')
    if kind and (w == writer or tonumber(b) < low) then
      mine[#mine + 1] = all[i]
    end
  end
  if #mine > 0 then
    redis.call('HDEL', KEYS[1], unpack(mine))
  end
  for i = 10, #ARGV, 3 do
    if tonumber(ARGV[i + 1]) > 0 then
      redis.call('HSET', KEYS[1], 'r:' .. ARGV[i] .. ':' .. writer, ARGV[i + 1])
    end
    if tonumber(ARGV[i + 2]) > 0 then
      redis.call('HSET', KEYS[1], 's:' .. ARGV[i] .. ':' .. writer, ARGV[i + 2])
    end
  end
end
redis.call('HSET', KEYS[1], vfield, seq)
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
elseif ttl < 0 then
  redis.call('PERSIST', KEYS[1])
end
redis.call('HSET', KEYS[2], replica, now + lease)
if redis.call('PTTL', KEYS[2]) < 2 * lease then
  redis.call('PEXPIRE', KEYS[2], 2 * lease)
end
return {1, committed, lost}
