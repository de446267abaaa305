--[[
  Remove flow versions; the name goes when its last version does, and the latest mark
  when its version does (no version is then the latest).
  KEYS[1] hash of the flow's versions  KEYS[2] set of flow names  KEYS[3] hash of flow names -> latest version
  ARGV[1] flow name  ARGV[2..] versions
  Returns the number of versions removed.
]]
local n = 0
local latest = redis.call('HGET', KEYS[3], ARGV[1])
for i = 2, #ARGV do
  n = n + redis.call('HDEL', KEYS[1], ARGV[i])
  if ARGV[i] == latest then redis.call('HDEL', KEYS[3], ARGV[1]) end
end
if redis.call('HLEN', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[1]) end
return n
