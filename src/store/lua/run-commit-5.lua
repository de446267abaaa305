--[[
  Record what the engine decided for log entries, once per entry: step states merged into
  their views, one event each for server-sent events, the run's own state.
  KEYS[1] run hash  KEYS[2] steps hash  KEYS[3] events list  KEYS[4] active-runs set
  KEYS[5] finished-runs sorted set (score: end time in ms; retention walks it)
  ARGV[1] JSON list of { i, steps = [{ step, status, attempt, resultJson, error, at, exitCode, image, itemJson, parametersJson, ifPending }], run = { status, resultJson, error } }
  A step's `attempt` is the engine's attempt number; `executions` counts every `running`
  state recorded (each start of its program: retries, re-runs after a takeover, a pod run
  again); `attempts`, what users see, is the larger of the two.
  A step state with ifPending (a step that will never start) is recorded only over a pending
  step (or one not listed yet), so it never hides a state a pod's quarterback reported.
  Results travel as JSON text (resultJson) so that Lua's cjson never re-encodes them.
  ARGV[2] now (ISO time)
  ARGV[3] '1' to apply whatever the index (reports from inside pods), '0' to skip entries already applied
  ARGV[4] first and ARGV[5] last log index the entries were folded from (entries without
  decisions are left out of ARGV[1]); a range that starts past applied + 1 would leave a
  gap, so it is refused whole and the caller folds from the start again.
  Every event appended is also published, as one JSON list per call, on the channel named
  like the events list (KEYS[3]): viewers of a run are pushed its changes (run-events-hub.ts).
  ARGV[6] now in milliseconds
  ARGV[7] lock key, ARGV[8] lock token (reports from inside pods, and re-run marks): the
  reports are recorded only while the job's lock holds this execution's token, so a copy
  that lost its lock cannot rewrite what its successor reports ('' or absent: no fence).
  A step entry may carry `execution` (which execution of its attempt: 2 and up after a
  re-run) and `pod` = { attempt, execution } (the run of the pod a micro step's report
  comes from); both go into the step's event, and into the step's record when it starts
  running (`pod` only past the pod's first attempt and execution).
  ARGV[9] the onEnd outbox sorted set ('' or absent: none): the commit that ends a run
  whose hash has `onEnd` adds `<id>|<retries>|<status>` there (score: ARGV[6]) in the same
  step, so a process killed before it queued the notification loses nothing: the
  notifier removes the entry once the job is queued, and coordinators sweep what is left.
  ARGV[10] runs-due sorted set  ARGV[11] engine event log  ARGV[12] '1' when the caller
  has done everything its fold decided (started steps enqueued, no window read or
  expansion awaited): then, once every log entry is recorded, the run is due no more (see
  event-append-2.lua). A run that ends is due no more either, and the first run to join
  the finished set tells waiting coordinators (retention), on the channel named ARGV[10].
  ARGV[13] the run's superseded-marks hash ('' or absent: none). A step entry with
  `supersede` (SupersedeCommand: the step runs again) records no state: it sets the mark
  of its step to the events list's length (and pushes an event `{ step, status = 'running',
  supersede = true }`; with `self`, the step itself too, field '=<step>', status 'superseded'), so every record beneath the step (every record
  for the root, '') written before it is of an earlier attempt, `superseded` as read
  (run-queries.ts) until the step's new attempt writes it again. Each record keeps `seq`,
  the events list's length when it was last written; a step that will never start
  (ifPending) is recorded over a superseded record as over a pending one.
  Returns { highest entry index applied (-2 when fenced out), the status the run ended
  with in this call or '' }: exactly one commit ends a run, so whoever gets a status logs,
  counts and notifies the end.
  Parts: an entry that decides many steps (a fan-out starting, a cancel) is recorded over
  several calls, each with at most a bounded number of step states, so no call holds Redis
  for long (RunStore.commitEnding). Such an entry carries `offset` (the index of its first
  step state among the entry's) and `more` = true on every part but the last; the run hash's
  `part` = '<entry>:<n>' says that the first n step states of that entry are recorded, so
  each is recorded exactly once whoever sends the parts and however often; the entry counts
  as applied, and its `run` state (the run's end) is recorded, with its last part only.
]]
if ARGV[7] and ARGV[7] ~= '' and redis.call('GET', ARGV[7]) ~= ARGV[8] then return { -2, '' } end
local applied = tonumber(redis.call('HGET', KEYS[1], 'applied') or '-1')
local force = ARGV[3] == '1'
local now = ARGV[2]
local terminal = { succeeded = true, failed = true, skipped = true, cancelled = true }
local published = {}
local function push_event(ev)
  local text = cjson.encode(ev)
  redis.call('RPUSH', KEYS[3], text)
  published[#published + 1] = text
end
local ended = ''
if not force and tonumber(ARGV[4]) > applied + 1 then return { applied, ended } end
local function set_run(r)
  local current = redis.call('HGET', KEYS[1], 'status')
  if current == 'succeeded' or current == 'failed' or current == 'cancelled' then return end
  redis.call('HSET', KEYS[1], 'status', r.status)
  if r.resultJson ~= nil then redis.call('HSET', KEYS[1], 'result', r.resultJson) end
  if r.error ~= nil then redis.call('HSET', KEYS[1], 'error', r.error) end
  if terminal[r.status] then
    redis.call('HSET', KEYS[1], 'finishedAt', now)
    local id = redis.call('HGET', KEYS[1], 'id')
    redis.call('SREM', KEYS[4], id)
    redis.call('ZADD', KEYS[5], tonumber(ARGV[6]), id)
    if ARGV[10] and ARGV[10] ~= '' then
      redis.call('ZREM', ARGV[10], id)
      if redis.call('ZCARD', KEYS[5]) == 1 then redis.call('PUBLISH', ARGV[10], 'finished') end
    end
    ended = r.status
    if ARGV[9] and ARGV[9] ~= '' and redis.call('HEXISTS', KEYS[1], 'onEnd') == 1 then
      redis.call('ZADD', ARGV[9], tonumber(ARGV[6]), id .. '|' .. (redis.call('HGET', KEYS[1], 'retries') or '0') .. '|' .. r.status)
      -- Waiting coordinators learn of the entry (they queue it should this process not).
      if ARGV[10] and ARGV[10] ~= '' then redis.call('PUBLISH', ARGV[10], ARGV[6]) end
    end
  end
  push_event({ seq = redis.call('LLEN', KEYS[3]), step = '', status = r.status, at = now, run = true })
end
local marks = ARGV[13]
if marks == '' then marks = nil end
-- Whether the record `v` of `step` was written before a mark of the step above it (or of the root).
local function superseded(step, v)
  if not marks then return false end
  local seq = tonumber(v.seq) or -1
  local function past(field) return tonumber(redis.call('HGET', marks, field) or '-1') > seq end
  if past('') or past('=' .. step) then return true end
  local at = 1
  while true do
    local slash = string.find(step, '/', at, true)
    if not slash then return false end
    local above = string.sub(step, 1, slash - 1)
    if past(above) or past('=' .. above) then return true end
    at = slash + 1
  end
end
local part_entry, part_done = -1, 0
if not force then
  local part = redis.call('HGET', KEYS[1], 'part')
  if part then
    local sep = string.find(part, ':', 1, true)
    part_entry, part_done = tonumber(string.sub(part, 1, sep - 1)), tonumber(string.sub(part, sep + 1))
  end
end
local entries = cjson.decode(ARGV[1])
-- A part that starts past what is recorded of its entry would leave a gap: refused whole
-- (only the first entry of a call starts mid-entry).
local first = entries[1]
if not force and first and (tonumber(first.offset) or 0) > 0 and first.i > applied then
  if first.i ~= part_entry or tonumber(first.offset) > part_done then return { applied, ended } end
end
for _, entry in ipairs(entries) do
  if force or entry.i > applied then
    local offset = tonumber(entry.offset) or 0
    -- step states of this entry recorded by earlier parts: skipped
    local done = 0
    if not force and entry.i == part_entry then done = part_done end
    if entry.run and entry.run ~= cjson.null and entry.run.status == 'running' then
      if done == 0 then set_run(entry.run) end
      entry.run = nil
    end
    for n, s in ipairs(entry.steps or {}) do
      if offset + n > done and s.supersede then
        if marks then
          local seq = redis.call('LLEN', KEYS[3])
          -- `self`: the step itself too (a fan-out item a retry of the run no longer makes), as field '=<step>'.
          local field = s.step
          if s.self then field = '=' .. s.step end
          redis.call('HSET', marks, field, seq)
          -- Viewers mark what they hold beneath the step superseded (its own status is running).
          local said = 'running'
          if s.self then said = 'superseded' end
          push_event({ seq = seq, step = s.step, status = said, supersede = true, at = now })
        end
      elseif offset + n > done then
        local raw = redis.call('HGET', KEYS[2], s.step)
        local v
        if raw then v = cjson.decode(raw) else v = { status = 'pending', attempts = 0, startedAt = cjson.null, finishedAt = cjson.null, error = cjson.null } end
        local skip = s.ifPending and s.ifPending ~= cjson.null and v.status ~= 'pending' and not superseded(s.step, v)
        if not skip then
          v.status = s.status
          if s.attempt and s.attempt ~= cjson.null then v.attempt = s.attempt end
          if s.status == 'running' then
            -- Each start is its own (a retry, a retry of the run, a re-run, a pod run again): its
            -- duration is counted from it; earlier starts stay in the events list.
            v.startedAt = s.at or now
            v.finishedAt = cjson.null
            -- An attempt running has no error of its own yet: an earlier attempt's is not shown as its.
            v.error = cjson.null
            -- Every execution counts: a retry, a re-run after a takeover, a pod run again.
            v.executions = (tonumber(v.executions) or 0) + 1
            -- Which execution of its attempt runs now (a re-run's mark says; a new attempt starts at 1).
            if s.execution and s.execution ~= cjson.null then v.execution = s.execution else v.execution = nil end
            -- A micro step run in a pod's later attempt or execution keeps which (its own attempt
            -- starts at 1 in each): a first run of a first pod keeps nothing.
            local pod = s.pod
            if pod and pod ~= cjson.null and ((tonumber(pod.attempt) or 1) > 1 or (tonumber(pod.execution) or 1) > 1) then v.pod = pod else v.pod = nil end
          end
          local floor = math.max(tonumber(v.attempt) or 0, tonumber(v.executions) or 0)
          if (tonumber(v.attempts) or 0) < floor then v.attempts = floor end
          if terminal[s.status] then v.finishedAt = s.at or now end
          if s.resultJson ~= nil then v.resultJson = s.resultJson end
          if s.error ~= nil then v.error = s.error elseif s.status == 'succeeded' then v.error = cjson.null end
          if s.status == 'running' then v.exitCode = nil end
          if s.exitCode ~= nil then v.exitCode = s.exitCode end
          if s.image ~= nil then v.image = s.image end
          if s.itemJson ~= nil then v.itemJson = s.itemJson end
          if s.parametersJson ~= nil then v.parametersJson = s.parametersJson end
          local seq = redis.call('LLEN', KEYS[3])
          v.seq = seq
          redis.call('HSET', KEYS[2], s.step, cjson.encode(v))
          local ev = { seq = seq, step = s.step, status = s.status, at = s.at or now }
          if s.attempt and s.attempt ~= cjson.null then ev.attempt = s.attempt end
          if s.execution then ev.execution = s.execution end
          if s.pod then ev.pod = s.pod end
          if s.error ~= nil then ev.error = s.error end
          push_event(ev)
        end
      end
    end
    if not force and entry.more then
      local n = offset + #(entry.steps or {})
      if n > done then
        part_entry, part_done = entry.i, n
        redis.call('HSET', KEYS[1], 'part', entry.i .. ':' .. n)
      end
    else
      if entry.run and entry.run ~= cjson.null then set_run(entry.run) end
      if not force and entry.i > applied then applied = entry.i end
      if not force and entry.i == part_entry then
        part_entry, part_done = -1, 0
        redis.call('HDEL', KEYS[1], 'part')
      end
    end
  end
end
if #published > 0 then redis.call('PUBLISH', KEYS[3], '[' .. table.concat(published, ',') .. ']') end
if not force then
  if tonumber(ARGV[5]) > applied then applied = tonumber(ARGV[5]) end
  redis.call('HSET', KEYS[1], 'applied', applied)
  if ARGV[12] == '1' and applied >= redis.call('LLEN', ARGV[11]) - 1 then
    redis.call('ZREM', ARGV[10], redis.call('HGET', KEYS[1], 'id'))
  end
end
return { applied, ended }
