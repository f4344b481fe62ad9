-- Appends one replica's drift windows. KEYS[1]: the monitor's list of offered windows.
-- ARGV: retention (ms), windows (JSON). The list expires after the retention unless offered to again.
local n = redis.call('RPUSH', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return {n}
