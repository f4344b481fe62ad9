-- Renews a single-holder lease (a rollout's right to act, a drift monitor's right to check) if ARGV[1]
-- holds it. KEYS[1]: the lease. ARGV: replica, lease (ms).
-- Returns {1} when renewed, {0} when another replica (or nobody) holds it.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1}
end
return {0}
