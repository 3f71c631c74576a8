// Lua run atomically by Redis. `allow-oom` (Redis 7.0 shebang flags) lets acknowledgement and
// dead-lettering run when Redis is at maxmemory: they free memory, so refusing them would deadlock.
// Sizes are taken from the stored entry (the length of every field value), so the byte counter stays
// equal to the payload bytes held.

/**
 * KEYS: stream, bytes. ARGV: group, then id, size pairs (size: the entry's payload bytes as the
 * consumer read them, or -1 to measure it here). Deletes an entry only if this call acknowledged it.
 * Returns the number acknowledged.
 */
export const ACK_SCRIPT = `#!lua flags=allow-oom
local stream, counter = KEYS[1], KEYS[2]
local group = ARGV[1]
local freed, acked = 0, 0
for i = 2, #ARGV, 2 do
  local id, size = ARGV[i], tonumber(ARGV[i + 1])
  if redis.call('XACK', stream, group, id) == 1 then
    acked = acked + 1
    if size < 0 then
      size = 0
      local found = redis.call('XRANGE', stream, id, id)
      if #found > 0 then
        local fields = found[1][2]
        for j = 2, #fields, 2 do size = size + string.len(fields[j]) end
      end
    end
    if redis.call('XDEL', stream, id) == 1 then freed = freed + size end
  end
end
if freed > 0 then redis.call('DECRBY', counter, freed) end
if redis.call('XLEN', stream) == 0 then redis.call('DEL', counter) end
return acked
`;

/**
 * KEYS: stream, bytes, dead. ARGV: group, id, reason, deliveries, payload if gone, consumer, at.
 * The dead letter keeps the entry's own fields, plus why, how often, from where and when.
 */
export const DEAD_LETTER_SCRIPT = `#!lua flags=allow-oom
local stream, counter, dead = KEYS[1], KEYS[2], KEYS[3]
local group, id = ARGV[1], ARGV[2]
local found = redis.call('XRANGE', stream, id, id)
local acked = redis.call('XACK', stream, group, id)
if acked == 0 and #found == 0 then return 0 end
local args = { dead, '*' }
local size = 0
if #found > 0 then
  local fields = found[1][2]
  for j = 1, #fields, 2 do
    args[#args + 1] = fields[j]
    args[#args + 1] = fields[j + 1]
    size = size + string.len(fields[j + 1])
  end
else
  args[#args + 1] = 'e'
  args[#args + 1] = ARGV[5]
end
for _, v in ipairs({ 'reason', ARGV[3], 'deliveries', ARGV[4], 'source_id', id, 'consumer', ARGV[6], 'at', ARGV[7] }) do
  args[#args + 1] = v
end
redis.call('XADD', unpack(args))
if #found > 0 then
  redis.call('XDEL', stream, id)
  if size > 0 then redis.call('DECRBY', counter, size) end
end
if redis.call('XLEN', stream) == 0 then redis.call('DEL', counter) end
return 1
`;

/**
 * KEYS: stream, bytes. ARGV: exclusive upper id, limit. Deletes entries below the id (the caller
 * computed it below every pending and every undelivered entry). Returns the number deleted.
 */
export const TRIM_ACKED_SCRIPT = `#!lua flags=allow-oom
local stream, counter = KEYS[1], KEYS[2]
local found = redis.call('XRANGE', stream, '-', '(' .. ARGV[1], 'COUNT', tonumber(ARGV[2]))
local freed = 0
for i = 1, #found do
  local fields = found[i][2]
  for j = 2, #fields, 2 do freed = freed + string.len(fields[j]) end
  redis.call('XDEL', stream, found[i][1])
end
if freed > 0 then redis.call('DECRBY', counter, freed) end
if redis.call('XLEN', stream) == 0 then redis.call('DEL', counter) end
return #found
`;

/**
 * KEYS: stream. ARGV: group, idle ms. Removes consumers holding nothing that were idle longer than
 * that; checked and removed in one step, so a consumer that just read cannot lose its entries.
 */
export const FORGET_CONSUMERS_SCRIPT = `#!lua
local removed = 0
for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local info = {}
  for j = 1, #c, 2 do info[c[j]] = c[j + 1] end
  if tonumber(info['pending']) == 0 and tonumber(info['idle']) > tonumber(ARGV[2]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], info['name'])
    removed = removed + 1
  end
end
return removed
`;
