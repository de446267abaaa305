--[[
  Create a run with its plan, its known steps (pending) and the first log entry (begin, with
  the creation time as its `at`), at once.
  KEYS[1] run hash            KEYS[2] steps hash
  KEYS[3] engine event log    KEYS[4] runs sorted set (by creation time)
  ARGV[1] run id  ARGV[2] run fields JSON (flat object)  ARGV[3] step ids JSON list
  ARGV[4] created-at milliseconds  ARGV[5] active-runs set key  ARGV[6] pending step JSON
  ARGV[7] plan key (a list of parts of its JSON, value-parts.ts)  ARGV[8] the plan's JSON
  when it is one part; '' when it was written beforehand in parts (ARGV[15])
  ARGV[9] JSON list of index sorted sets (runs of a flow, of a Dataset) the run joins too
  ARGV[10] the id's deleted mark (run-delete-1.lua): a deleted run is never made again
  ARGV[11] runs-due sorted set  ARGV[12] its wake key  ARGV[13] when the run is due, in ms
  (its first sync, which follows at once, clears it; see event-append-2.lua)
  ARGV[14] (optional) a hash of the known steps written beforehand in batches (a big run:
  RunStore.createPrepared), renamed to KEYS[2] here, so one call never writes every step
  of a big run; ARGV[3] is then '[]'. It is dropped when the run is not created.
  ARGV[15] (optional) a list of the plan's parts written beforehand (RunStore.createPrepared),
  renamed to ARGV[7] here, so one call never carries a big plan; dropped when the run is
  not created.
  ARGV[16] the log's first entry, `begin` with the log's version and ARGV[4] as its `at`
  (made by RunStore.createPrepared from LOG_VERSION, src/engine/timeout-error.ts)
  Returns 1 created, 0 the run already exists, -1 a run of this id was deleted.
]]
--#include mark-due
local staged = ARGV[14] and ARGV[14] ~= '' and ARGV[14]
local stagedPlan = ARGV[15] and ARGV[15] ~= '' and ARGV[15]
local function drop()
  if staged then redis.call('UNLINK', staged) end
  if stagedPlan then redis.call('UNLINK', stagedPlan) end
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  drop()
  return 0
end
if ARGV[10] and redis.call('EXISTS', ARGV[10]) == 1 then
  drop()
  return -1
end
if stagedPlan then
  redis.call('RENAME', stagedPlan, ARGV[7])
  redis.call('PERSIST', ARGV[7])
else
  redis.call('RPUSH', ARGV[7], ARGV[8])
end
local fields = cjson.decode(ARGV[2])
for k, v in pairs(fields) do redis.call('HSET', KEYS[1], k, v) end
local ids = cjson.decode(ARGV[3])
for _, id in ipairs(ids) do redis.call('HSET', KEYS[2], id, ARGV[6]) end
if staged and redis.call('EXISTS', staged) == 1 then
  redis.call('RENAME', staged, KEYS[2])
  redis.call('PERSIST', KEYS[2])
end
redis.call('RPUSH', KEYS[3], ARGV[16])
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[1])
for _, index in ipairs(cjson.decode(ARGV[9] or '[]')) do redis.call('ZADD', index, ARGV[4], ARGV[1]) end
redis.call('SADD', ARGV[5], ARGV[1])
mark_due(ARGV[11], ARGV[12], tonumber(ARGV[13]), ARGV[1])
return 1
