-- Adds to counters of one arm in one window, all at once. KEYS[1]: the window's hash.
-- ARGV: retention (ms), then name, increment pairs. The hash expires after the retention unless added to again.
for i = 2, #ARGV, 2 do
  redis.call('HINCRBYFLOAT', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return {#ARGV}
