-- Saves a rollout's state if ARGV[1] holds the right to act (a fence against a replica that lost it).
-- KEYS[1]: the lease, KEYS[2]: the state. ARGV: replica, state. Returns {1} when saved, {0} otherwise.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[2])
  return {1}
end
return {0}
