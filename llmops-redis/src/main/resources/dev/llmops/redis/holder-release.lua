-- Ends a single-holder lease (a rollout's right to act, a drift monitor's right to check) if ARGV[1]
-- holds it. KEYS[1]: the lease. ARGV: replica.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return {1}
end
return {0}
