--[[
  Remove flow versions; the name goes when its last version does.
  KEYS[1] hash of the flow's versions  KEYS[2] set of flow names
  ARGV[1] flow name  ARGV[2..] versions
  Returns the number of versions removed.
]]
local n = 0
for i = 2, #ARGV do n = n + redis.call('HDEL', KEYS[1], ARGV[i]) end
if redis.call('HLEN', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[1]) end
return n
