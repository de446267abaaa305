--[[
  Append a chunk of a step's output, keeping at most the last ARGV[2] bytes.
  KEYS[1] the step's log
  ARGV[1] chunk  ARGV[2] cap in bytes  ARGV[3] line that marks cut output
  Returns the log's length after the append.
]]
local len = redis.call('APPEND', KEYS[1], ARGV[1])
local cap = tonumber(ARGV[2])
if len > cap then
  local keep = cap - #ARGV[3]
  local tail = redis.call('GETRANGE', KEYS[1], len - keep, -1)
  redis.call('SET', KEYS[1], ARGV[3] .. tail)
  return cap
end
return len
