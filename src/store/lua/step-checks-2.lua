--[[
  What a worker reads before it runs steps' jobs: the run's status and each step's view,
  for every step of the run whose job it took in the same turn of its event loop, in one
  call (one write and one reply: a fan-out's completions are answered together, so their
  successors' jobs arrive together; src/store/step-checks.ts, docs/performance.md).
  KEYS[1] run hash  KEYS[2] steps hash
  ARGV step ids (at most STEP_CHECK_BATCH)
  Returns { status or false, { each step's view (JSON) or false, in ARGV's order } }.
]]
return { redis.call('HGET', KEYS[1], 'status'), redis.call('HMGET', KEYS[2], unpack(ARGV)) }
