--[[
  Delete a run that has ended: its hash, plan, steps, engine log, dedupe keys, events,
  cursors, the log sizes and the superseded marks, and its place in the run lists (its steps' logs are deleted
  by the caller first, in batches; a delete cut short before this call is simply asked again).
  KEYS[1] run hash
  ARGV[1] key prefix of the run's parts ('<prefix>run:<id>:')  ARGV[2] runs sorted set
  ARGV[3] finished-runs sorted set  ARGV[4] JSON list of index sorted sets it is in
  ARGV[5] '1' to delete even when the run has not ended (never used by the API)
  ARGV[6] the id's deleted mark, kept ARGV[7] seconds (as long as an Idempotency-Key that
  started the run is kept): run-create-4.lua refuses the id while it is there
  Returns 1 deleted, 0 no such run, or the run's status when it is still going.
]]
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 0 end
if ARGV[5] ~= '1' and (status == 'pending' or status == 'running') then return status end
local id = redis.call('HGET', KEYS[1], 'id')
local p = ARGV[1]
-- Steps' logs were deleted before, in batches (RunStore.remove): one call here is bounded
-- whatever the run's size. UNLINK frees the big keys (steps, log, events) off Redis's main thread.
-- 'plan': a run made before the plan was kept in parts has it as one string under 'plan' (value-parts.ts); 'plan:parts' now.
redis.call('UNLINK', KEYS[1], p .. 'plan', p .. 'plan:parts', p .. 'steps', p .. 'log', p .. 'seen', p .. 'events', p .. 'cursors', p .. 'logsize', p .. 'superseded')
redis.call('ZREM', ARGV[2], id)
redis.call('ZREM', ARGV[3], id)
for _, index in ipairs(cjson.decode(ARGV[4])) do redis.call('ZREM', index, id) end
if ARGV[6] and ARGV[6] ~= '' then redis.call('SET', ARGV[6], '1', 'EX', tonumber(ARGV[7])) end
return 1
