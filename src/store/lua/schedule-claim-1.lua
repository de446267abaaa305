--[[
  Claim a schedule's tick: of all the coordinators sharing this Redis, the first to claim a
  tick fires it; the others get 0. Ticks only go forward.
  KEYS[1] the schedule's state hash
  ARGV[1] tick in ms  ARGV[2] the run id it will start ('' for a tick skipped)  ARGV[3] what happened (fired, skipped, missed, failed)
  ARGV[4] why a failed tick's run was refused ('' otherwise: the last error is then cleared)
  Returns 1 claimed, 0 taken or passed already.
]]
local last = tonumber(redis.call('HGET', KEYS[1], 'lastTick') or '-1')
if tonumber(ARGV[1]) <= last then return 0 end
redis.call('HSET', KEYS[1], 'lastTick', ARGV[1], 'lastOutcome', ARGV[3])
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'lastRunId', ARGV[2], 'lastRunAt', ARGV[1]) end
if ARGV[4] ~= nil and ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'lastError', ARGV[4]) else redis.call('HDEL', KEYS[1], 'lastError') end
return 1
