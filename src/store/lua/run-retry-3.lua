--[[
  Take a failed or cancelled run up again: it is running and active once more, and its
  engine log gets a `retry` entry, which the engine folds (succeeded steps kept, the rest
  run again). Everything else follows from the log as for any event.
  KEYS[1] run hash  KEYS[2] engine event log  KEYS[3] events list (server-sent)
  ARGV[1] active-runs set key  ARGV[2] finished-runs sorted set key  ARGV[3] now (ISO time)
  ARGV[4] runs-due sorted set  ARGV[5] its wake key  ARGV[6] when the run is due, in ms
  (the sync that follows clears it; see event-append-2.lua)
  Returns 1 taken up, 0 no such run, or the run's status when it cannot be retried.
]]
--#include mark-due
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 0 end
if status ~= 'failed' and status ~= 'cancelled' then return status end
local id = redis.call('HGET', KEYS[1], 'id')
redis.call('HSET', KEYS[1], 'status', 'running')
redis.call('HDEL', KEYS[1], 'finishedAt', 'error', 'result')
redis.call('HINCRBY', KEYS[1], 'retries', 1)
redis.call('SADD', ARGV[1], id)
redis.call('ZREM', ARGV[2], id)
redis.call('RPUSH', KEYS[2], '{"type":"retry"}')
local ev = cjson.encode({ seq = redis.call('LLEN', KEYS[3]), step = '', status = 'running', at = ARGV[3], run = true })
redis.call('RPUSH', KEYS[3], ev)
-- Viewers are pushed events on the channel named like the list (as run-commit does).
redis.call('PUBLISH', KEYS[3], '[' .. ev .. ']')
mark_due(ARGV[4], ARGV[5], tonumber(ARGV[6]), id)
return 1
