--[[
  Append a chunk of a step's output, keeping at most the last ARGV[2] bytes, count every
  byte ever written (the offset followers read by: it never goes back, even when the log
  is cut), and publish the chunk to the run's log followers (run-logs-hub.ts).
  KEYS[1] the step's log  KEYS[2] the run's log sizes (hash: step -> bytes ever written)
  ARGV[1] chunk  ARGV[2] cap in bytes  ARGV[3] start of the line that marks cut output
  (`[earlier output cut: `; the line ends with the bytes cut so far: `N bytes]`)
  ARGV[4] step id  ARGV[5] channel of the run's log followers
  ARGV[6] '1': the chunk is a line of strata's own (a later execution's mark, a back-off
  note), put on a line of its own: after a newline when the log so far does not end with
  one, and with nothing before it otherwise (a mark written as '\n--- attempt 2 ---' left
  an empty line after output that ended its line)
  Returns the log's length after the append.
]]
local chunk = ARGV[1]
if ARGV[6] == '1' then
  local last = redis.call('GETRANGE', KEYS[1], -1, -1)
  if last ~= '' and last ~= '\n' then chunk = '\n' .. chunk end
end
local len = redis.call('APPEND', KEYS[1], chunk)
local offset = redis.call('HINCRBY', KEYS[2], ARGV[4], #chunk)
redis.call('PUBLISH', ARGV[5], cjson.encode({ step = ARGV[4], text = chunk, offset = offset }))
local cap = tonumber(ARGV[2])
if len > cap then
  -- The marker line takes at most 64 bytes of the cap; what it says is every byte written
  -- (offset) less the bytes kept after it.
  local keep = math.max(cap - 64, 0)
  local tail = keep > 0 and redis.call('GETRANGE', KEYS[1], len - keep, -1) or ''
  local marker = ARGV[3] .. string.format('%d', offset - #tail) .. ' bytes]\n'
  redis.call('SET', KEYS[1], marker .. tail)
  return #marker + #tail
end
return len
