--[[
  Append events to a run's engine log, each once (per dedupe key), then return the log
  from an index on. Several events may come at once (steps that finished together).
  A step's completion is fenced by its job's lock: it is appended only while the BullMQ
  lock of the job that ran it still holds the token of that execution, so a copy that
  lost its lock (a worker that froze past it and was taken over) can never complete the
  step, whatever order the copies finish in.
  KEYS[1] engine event log   KEYS[2] set of appended dedupe keys
  ARGV[1] index to read from  ARGV[2] run hash key (nothing is appended once the run ended)
  ARGV[3] runs-due sorted set  ARGV[4] its wake key  ARGV[5] when the run is due, in ms
  ARGV[6] run id  ARGV[7] how many entries to return at most (a process that has not folded
  the run asks from 0: a big run's whole log would be one reply; it reads the rest in chunks)
  ARGV[8..] quadruples: dedupe key ('' to always append), event JSON, lock key ('' for
  no fence), lock token. The lock keys travel in ARGV: strata runs against one Redis, not
  a cluster (BullMQ's job keys are not known when the script is declared).
  An append marks the run due at ARGV[5] (never earlier than it was): should the sync that
  follows not get as far as recording everything (its process died), a coordinator takes
  the run up then (coordinator.ts). Coordinators waiting for no particular time are told
  on the channel named like the sorted set.
  Returns { flags ('1' appended, '0' not (a duplicate, or the run ended), 'l' not (the
  lock is not the execution's), one per event), the entries from ARGV[1] on that were
  there before this call (at most ARGV[7]), the log's length before this call, the index
  of the last entry recorded (the run hash's `applied`; -1 when none) }. The events this
  call appended follow those in the log, in the order given: the caller has them already,
  so they are not sent back. What is recorded was acted on by whoever recorded it: the
  caller does not enqueue its starts or tell its stops again (coordinator/sync.ts).
]]
--#include mark-due
local flags = {}
local before = redis.call('LLEN', KEYS[1])
local status = redis.call('HGET', ARGV[2], 'status')
local ended = status == 'succeeded' or status == 'failed' or status == 'cancelled'
local appended = false
for i = 8, #ARGV, 4 do
  local dedupe = ARGV[i]
  local lockKey = ARGV[i + 2]
  if lockKey ~= '' and redis.call('GET', lockKey) ~= ARGV[i + 3] then
    flags[#flags + 1] = 'l'
  elseif not ended and (dedupe == '' or redis.call('SADD', KEYS[2], dedupe) == 1) then
    redis.call('RPUSH', KEYS[1], ARGV[i + 1])
    flags[#flags + 1] = '1'
    appended = true
  else
    flags[#flags + 1] = '0'
  end
end
if appended then mark_due(ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6]) end
local from = tonumber(ARGV[1])
local last = math.min(before, from + tonumber(ARGV[7])) - 1
local entries = {}
if last >= from then entries = redis.call('LRANGE', KEYS[1], from, last) end
return { table.concat(flags), entries, before, tonumber(redis.call('HGET', ARGV[2], 'applied') or '-1') }
