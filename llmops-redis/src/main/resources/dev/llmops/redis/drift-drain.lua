-- Takes out every offered drift window if ARGV[1] holds the right to check (a fence against a replica
-- that lost it). KEYS[1]: the lease, KEYS[2]: the list of offered windows. ARGV: replica.
-- Returns the windows in offer order, or {} when ARGV[1] does not hold the right.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return {}
end
local windows = redis.call('LRANGE', KEYS[2], 0, -1)
redis.call('DEL', KEYS[2])
return windows
