-- Mark run `id` due at `at` (ms; never earlier than it was marked) in the runs-due sorted
-- set `set`; when that is earlier than the wake key `wake_key` says (or nothing is due),
-- set it and tell waiting coordinators on the channel named like the set (coordinator.ts).
-- Put in front of the scripts that say `--#include mark-due` (lua-scripts.ts).
local function mark_due(set, wake_key, at, id)
  redis.call('ZADD', set, 'GT', at, id)
  local wake = redis.call('GET', wake_key)
  if not wake or tonumber(wake) > at then
    redis.call('SET', wake_key, at)
    redis.call('PUBLISH', set, at)
  end
end
