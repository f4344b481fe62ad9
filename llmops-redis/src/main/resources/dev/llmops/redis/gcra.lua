-- Takes from a rate limit kept as a GCRA "theoretical arrival time" (one number per key).
-- KEYS[1]: the limit's key. ARGV: now (us), period (us), limit per period, amount.
-- A burst of one period's worth is allowed; the bucket refills continuously.
-- Returns {1, 0} taken, or {0, wait in us} when the amount would fit only after waiting (nothing taken).
local now, period = tonumber(ARGV[1]), tonumber(ARGV[2])
local interval = period / tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then
  tat = now
end
local next = tat + tonumber(ARGV[4]) * interval
local wait = next - now - period
if wait > 0 then
  return {0, math.ceil(wait)}
end
redis.call('SET', KEYS[1], string.format('%.0f', next), 'PX', math.ceil((next - now) / 1000) + 1)
return {1, 0}
