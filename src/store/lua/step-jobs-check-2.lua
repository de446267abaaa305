--[[
  Which of a run's running steps have no step job that can still run (coordinator.ts,
  recover): for each job id, 0 when its job is there and neither completed nor failed,
  1 when there is no job, 2 when the job completed or failed (a worker lost between the
  job's end and the step's event). One script for a batch of ids instead of three
  commands a step: taking up a run with 90,000 steps running sent 270,000 commands.
  KEYS[1] the step queue's completed sorted set  KEYS[2] its failed sorted set
  ARGV[1] the prefix of a job's hash key (`<bull prefix>:steps:`)  ARGV[2..] job ids
  Returns one code per job id, in order.
]]
local codes = {}
for i = 2, #ARGV do
  local id = ARGV[i]
  if redis.call('EXISTS', ARGV[1] .. id) == 0 then codes[i - 1] = 1
  elseif redis.call('ZSCORE', KEYS[1], id) or redis.call('ZSCORE', KEYS[2], id) then codes[i - 1] = 2
  else codes[i - 1] = 0 end
end
return codes
