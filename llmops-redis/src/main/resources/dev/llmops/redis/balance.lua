-- Reads a counter: spent and live reservations per bucket from low to high.
-- KEYS[1]: the counter; KEYS[2]: the scope's leases. ARGV: now (ms), low, high.
-- Returns {spent(low), reserved(low), ..., spent(high), reserved(high)}.
local now, low, high = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local live = {}
local lv = redis.call('HGETALL', KEYS[2])
for i = 1, #lv, 2 do
  if tonumber(lv[i + 1]) > now then
    live[lv[i]] = true
  end
end
local out = {}
for i = 1, 2 * (high - low + 1) do
  out[i] = 0
end
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local kind, b, w = string.match(all[i], '^([rs]):(%-?%d+):(.+)$')
  if kind then
    b = tonumber(b)
    if b >= low and b <= high then
      local at = 2 * (b - low) + 1
      if kind == 's' then
        out[at] = out[at] + tonumber(all[i + 1])
      elseif live[string.match(w, '^(.-)%.')] then
        out[at + 1] = out[at + 1] + tonumber(all[i + 1])
      end
    end
  end
end
return out
