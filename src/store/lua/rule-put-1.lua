--[[
  Store a rule, saying what changed.
  KEYS[1] hash of rules (name -> Rule document JSON)
  ARGV[1] name  ARGV[2] document JSON
  Returns 1 created, 2 updated, 0 unchanged (the same document was there).
]]
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing == ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if existing then return 2 end
return 1
