-- wrk script used by scripts/bench-games.sh.
--
-- BENCH_PATHS (optional): a file with one request path per line (e.g.
-- /games/<slug>); the requests rotate through them, each thread starting at
-- a different line. Without it, every request is the URL given to wrk.
-- At the end one machine-readable line is printed:
--   BENCH_RESULT p50_us=.. p99_us=.. requests=.. duration_us=.. non2xx=.. sockerr=..
local paths = {}
local next_index = 0
local thread_no = 0

function setup(thread)
  thread:set("thread_no", thread_no)
  thread_no = thread_no + 1
end

function init(args)
  local file = os.getenv("BENCH_PATHS")
  if file and file ~= "" then
    for line in io.lines(file) do
      if line ~= "" then
        paths[#paths + 1] = line
      end
    end
  end
  if #paths > 0 then
    next_index = (thread_no * 7919) % #paths
  end
end

function request()
  if #paths == 0 then
    return wrk.format()
  end
  next_index = next_index % #paths + 1
  return wrk.format("GET", paths[next_index])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT p50_us=%d p99_us=%d requests=%d duration_us=%d non2xx=%d sockerr=%d\n",
    latency:percentile(50), latency:percentile(99), summary.requests,
    summary.duration, e.status, e.connect + e.read + e.write + e.timeout))
end
