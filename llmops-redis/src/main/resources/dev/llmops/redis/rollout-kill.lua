-- Records a rollout's kill unless one is recorded (the first kill wins); no expiry, no lease check.
-- KEYS[1]: the kill's hash. ARGV: replica, reason. Fields: replica, reason, at (the server's clock, in
-- microseconds since the epoch). Returns {1} when recorded, {0} when a kill was there already.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {0}
end
local now = redis.call('TIME')
redis.call('HSET', KEYS[1], 'replica', ARGV[1], 'reason', ARGV[2], 'at', now[1] .. string.format('%06d', tonumber(now[2])))
return {1}
