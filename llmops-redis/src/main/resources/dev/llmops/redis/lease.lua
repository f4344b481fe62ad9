-- Renews a replica's lease on one scope. KEYS[1]: the scope's leases. ARGV: replica, now (ms), lease (ms).
-- Returns 1 when the lease was still live, 0 when it had run out (its reservations may be gone).
local now, lease = tonumber(ARGV[2]), tonumber(ARGV[3])
local live = 0
if tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') > now then
  live = 1
end
redis.call('HSET', KEYS[1], ARGV[1], now + lease)
if redis.call('PTTL', KEYS[1]) < 2 * lease then
  redis.call('PEXPIRE', KEYS[1], 2 * lease)
end
return {live}
