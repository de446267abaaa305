--[[
  Register a flow version; versions are immutable. The version registered last, a new one
  or the same document again, becomes the flow's latest (as `kubectl apply` makes what it
  applied current: a re-applied WorkflowTemplate's templateRefs resolve to it).
  KEYS[1] hash of the flow's versions (version -> document JSON)
  KEYS[2] set of flow names
  KEYS[3] hash of flow names -> latest version
  ARGV[1] version
  ARGV[2] document JSON
  ARGV[3] flow name
  Returns 1 created, 0 the same document was already registered, -1 another document holds this version.
]]
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then
  if existing ~= ARGV[2] then return -1 end
  redis.call('HSET', KEYS[3], ARGV[3], ARGV[1])
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[3], ARGV[1])
return 1
