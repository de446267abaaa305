--[[
  Store a Schedule, saying what changed. A new schedule starts counting ticks from now, so
  no tick from before it existed fires.
  KEYS[1] hash of schedules (name -> Schedule JSON)  KEYS[2] the schedule's state hash
  ARGV[1] name  ARGV[2] document JSON  ARGV[3] now in ms
  Returns 1 created, 2 updated, 0 unchanged.
]]
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing == ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSETNX', KEYS[2], 'lastTick', ARGV[3])
if existing then return 2 end
return 1
