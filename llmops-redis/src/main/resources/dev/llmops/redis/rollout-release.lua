-- Gives up the right to act of a rollout if ARGV[1] holds it. KEYS[1]: the lease. ARGV: replica.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return {1}
end
return {0}
