--[[
  Append events to a run's engine log, each once (per dedupe key), then return the log
  from an index on. Several events may come at once (steps that finished together).
  KEYS[1] engine event log   KEYS[2] set of appended dedupe keys
  ARGV[1] index to read from  ARGV[2] run hash key (nothing is appended once the run ended)
  ARGV[3..] pairs: dedupe key ('' to always append), event JSON
  Returns { flags ('1' appended / '0' not, one per event), entries from ARGV[1] on }.
]]
local flags = {}
local status = redis.call('HGET', ARGV[2], 'status')
local ended = status == 'succeeded' or status == 'failed' or status == 'cancelled'
for i = 3, #ARGV, 2 do
  local dedupe = ARGV[i]
  if not ended and (dedupe == '' or redis.call('SADD', KEYS[2], dedupe) == 1) then
    redis.call('RPUSH', KEYS[1], ARGV[i + 1])
    flags[#flags + 1] = '1'
  else
    flags[#flags + 1] = '0'
  end
end
return { table.concat(flags), redis.call('LRANGE', KEYS[1], tonumber(ARGV[1]), -1) }
