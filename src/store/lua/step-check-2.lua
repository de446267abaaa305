--[[
  What a worker reads before it runs a step's job: the run's status and the step's view,
  in one call (one write and one reply; a pipeline of two HGETs costs the worker more in
  ioredis than the commands cost Redis; docs/performance.md).
  KEYS[1] run hash  KEYS[2] steps hash
  ARGV[1] step id
  Returns { status or false, the step's view (JSON) or false }.
]]
return { redis.call('HGET', KEYS[1], 'status'), redis.call('HGET', KEYS[2], ARGV[1]) }
