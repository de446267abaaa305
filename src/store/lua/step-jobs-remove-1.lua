--[[
  Remove a batch of step jobs (a deleted run's, or jobs that ended without their step:
  coordinator.ts) with BullMQ's own removal, one call per batch instead of one BullMQ
  removeJob call per job: deleting a run of 100,000 steps sent 100,000 commands.
  BullMQ's removeJob script (its built text, with its includes) is put in place of the
  `--#include bullmq:removeJob` line below when this script is loaded (lua-scripts.ts),
  inside a function whose KEYS and ARGV are the ones BullMQ's remove() gives it, so each
  job goes exactly as Queue.remove takes it: from any state, with its logs, unless locked.
  KEYS[1] the queue's repeat key (`<bull prefix>:steps:repeat`, read by BullMQ's script)
  ARGV[1] the prefix of the queue's keys (`<bull prefix>:steps:`)  ARGV[2..] job ids
  Returns one code per job id, in order: 1 removed, 0 kept because a worker holds its lock
  (as Queue.remove), 2 no such job (skipped before BullMQ's script, which would look for it
  with an LREM over each of the queue's lists), or BullMQ's negative code.
]]
local function bullmqRemoveJob(KEYS, ARGV)
--#include bullmq:removeJob
end
local codes = {}
for i = 2, #ARGV do
  local id = ARGV[i]
  if redis.call('EXISTS', ARGV[1] .. id) == 0 then codes[i - 1] = 2
  else codes[i - 1] = bullmqRemoveJob({ ARGV[1] .. id, KEYS[1] }, { id, '1', ARGV[1] }) end
end
return codes
