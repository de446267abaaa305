--[[
  Store a Schedule, saying what changed. A new schedule starts counting ticks from now, so
  no tick from before it existed fires; so does one resumed (suspend true before, false now)
  or given another expression or time zone: no tick that passed while it was suspended, nor
  one of the new expression from before the change, fires (a scheduler that fell behind
  still fires the ticks it missed: the claim script moves lastTick forward only).
  KEYS[1] hash of schedules (name -> Schedule JSON)  KEYS[2] the schedule's state hash
  ARGV[1] name  ARGV[2] document JSON  ARGV[3] now in ms
  Returns 1 created, 2 updated, 0 unchanged.
]]
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing == ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if existing then
  local before = cjson.decode(existing).spec
  local now = cjson.decode(ARGV[2]).spec
  local last = tonumber(redis.call('HGET', KEYS[2], 'lastTick') or '-1')
  local restart = (before.suspend == true and now.suspend ~= true) or before.schedule ~= now.schedule or before.timeZone ~= now.timeZone
  if restart and tonumber(ARGV[3]) > last then redis.call('HSET', KEYS[2], 'lastTick', ARGV[3]) end
  return 2
end
redis.call('HSETNX', KEYS[2], 'lastTick', ARGV[3])
return 1
