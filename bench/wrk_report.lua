-- wrk script for bench/web.py: rotate through the paths in $WRK_PATHS (separated by "|"),
-- and print one JSON line with the latency percentiles wrk's own --latency lacks (p95).
local paths = {}
for path in string.gmatch(os.getenv("WRK_PATHS") or "/", "[^|]+") do
  paths[#paths + 1] = path
end
local counter = 0

request = function()
  counter = counter + 1
  return wrk.format(nil, paths[(counter % #paths) + 1])
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d,'
      .. ' "max_us": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d,'
      .. ' "status_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, errors.connect, errors.read, errors.write,
    errors.status, errors.timeout))
end
