--[[
  Append an event to a run's engine log once, then return the log from an index on.
  KEYS[1] engine event log   KEYS[2] set of appended dedupe keys
  ARGV[1] dedupe key ('' to always append)  ARGV[2] event JSON  ARGV[3] index to read from
  ARGV[4] run hash key (the append is refused when the run has ended)
  Returns { appended (1|0), entries from ARGV[3] on }.
]]
local appended = 0
local status = redis.call('HGET', ARGV[4], 'status')
local ended = status == 'succeeded' or status == 'failed' or status == 'cancelled'
if not ended and (ARGV[1] == '' or redis.call('SADD', KEYS[2], ARGV[1]) == 1) then
  redis.call('RPUSH', KEYS[1], ARGV[2])
  appended = 1
end
return { appended, redis.call('LRANGE', KEYS[1], tonumber(ARGV[3]), -1) }
