--[[
  A coordinator takes up the runs that are due (coordinator.ts): a run is due when a sync
  that began may not have recorded everything (its process died, or is slow past the
  grace); see event-append-2.lua. Runs taken are due again after the grace, so other
  coordinators leave them alone meanwhile and the next one takes them should this one die
  too. Then it says when to look next: the wake key holds the earliest time anything is
  due (absent: nothing is, and whoever marks a run due says so on the channel).
  KEYS[1] runs-due sorted set (score: when due, in ms)  KEYS[2] its wake key
  KEYS[3] finished-runs sorted set (score: end time in ms)
  ARGV[1] now in ms  ARGV[2] grace in ms  ARGV[3] at most this many runs
  Returns { run ids taken, the earliest time still due or '', the earliest end time of a finished run or '' }.
]]
local now = tonumber(ARGV[1])
local taken = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(taken) do redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), id) end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if first[2] then redis.call('SET', KEYS[2], first[2]) else redis.call('DEL', KEYS[2]) end
local finished = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
return { taken, first[2] or '', finished[2] or '' }
